// Metrics an operator scrapes: the Temporal SDK's Prometheus exporter of a real `webtv worker`, and the
// channel metrics at the web server's /metrics, read from a real channel workflow.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { freePort } from '../src/servers/temporalDevServer';
import { defaultBackends } from '../src/activities/backends/registry';
import { startWebServer } from '../src/servers/web/server';
import { ViewerCount } from '../src/servers/web/viewerCount';
import { setThemeUpdate } from '../src/shared/channelMessages';
import type { ChannelInput } from '../src/shared/channel';

let t: TestTemporal;
before(async () => { t = await startTemporal(); });
after(async () => { await t?.stop(); });

test('webtv worker exports the SDK worker metrics at WEBTV_METRICS_PORT, labelled with its task queue', async () => {
  const port = await freePort();
  const taskQueue = 'webtv-metrics';
  const worker = execa('node', ['bin/webtv.js', 'worker'], {
    env: { TEMPORAL_ADDRESS: t.server.address, WEBTV_TASK_QUEUE: taskQueue, WEBTV_DATA_DIR: path.join(t.tmpDir, 'data'), WEBTV_METRICS_PORT: String(port) },
    reject: false, all: true,
  });
  try {
    const text = await waitFor('worker metrics with the task queue', async () => {
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return /temporal_num_pollers\{[^}]*task_queue="webtv-metrics"/.test(body) ? body : null;
    }, 120_000, 500);
    assert.match(text, /# TYPE temporal_worker_task_slots_available gauge/);
    assert.match(text, /temporal_worker_task_slots_available\{[^}]*worker_type="ActivityWorker"/);
  } finally {
    worker.kill('SIGINT');
    await worker;
  }
});

test('a malformed WEBTV_METRICS_PORT is refused before the worker starts, naming the variable', async () => {
  const r = await execa('node', ['bin/webtv.js', 'worker'], {
    env: { TEMPORAL_ADDRESS: t.server.address, WEBTV_METRICS_PORT: 'ninety' }, reject: false,
  });
  assert.notEqual(r.exitCode, 0);
  assert.match(r.stderr, /WEBTV_METRICS_PORT is invalid: expected a port \(9464\) or host:port/);
});

test('the web server\'s /metrics reports each channel: on air, production, episodes, backends, viewers, moderation', async () => {
  const w = await t.startWorker({ dataDir: path.join(t.tmpDir, 'channel-data'), backends: defaultBackends() });
  const input: ChannelInput = { channel: 'm1', theme: 'a paper boat on a rainy street', broadcast: false, shots: 1, targetReady: 1 };
  const handle = await t.client.workflow.start('channelWorkflow', { taskQueue: w.taskQueue, workflowId: 'channel/m1', args: [input] });
  const hlsDir = path.join(t.tmpDir, 'hls');
  fs.mkdirSync(path.join(hlsDir, 'm1'), { recursive: true });
  fs.writeFileSync(path.join(hlsDir, 'm1', 'seg0.ts'), 'x');
  const web = await startWebServer({
    port: await freePort(), client: t.client, defaultChannel: 'm1', flvUrl: (c) => `http://127.0.0.1:1/live/${c}.flv`,
    hlsDir, viewers: new ViewerCount(), log: () => {},
  });
  try {
    await assert.rejects(handle.executeUpdate(setThemeUpdate, { args: ['Ｎａｚｉｓ on parade'] }));
    await waitFor('an episode made, in the metrics', async () => {
      const body = await (await fetch(`${web.url}/metrics`)).text();
      return /^webtv_channel_episodes_made\{channel="m1"\} [1-9]/m.test(body);
    }, 400_000, 2_000);
    // An HLS client fetching a segment is a viewer for 30 s (the episode above can take longer on a busy machine).
    assert.equal((await fetch(`${web.url}/hls/m1/seg0.ts`, { headers: { 'x-webtv-viewer': 'viewer-one-1234' } })).status, 200);
    const text = await (await fetch(`${web.url}/metrics`)).text();
    const value = (name: string, labels = 'channel="m1"') => {
      const m = new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text);
      assert.ok(m, `${name}{${labels}} in:\n${text}`);
      return Number(m[1]);
    };
    assert.match(text, /# TYPE webtv_channel_on_air gauge/);
    assert.equal(value('webtv_channel_on_air'), 0, 'a channel without a broadcast is not on air');
    assert.equal(value('webtv_channel_paused'), 0);
    assert.ok(value('webtv_channel_production_vs_air') > 0);
    // Time spent producing is at most the time since the start: the speed is at least the rate vs air.
    assert.ok(value('webtv_channel_production_speed') >= value('webtv_channel_production_vs_air'), 'production speed ≥ production vs air');
    assert.equal(value('webtv_channel_episodes_failed'), 0);
    assert.equal(value('webtv_channel_viewers'), 1);
    assert.equal(value('webtv_channel_moderation_rejected'), 1);
    assert.equal(value('webtv_channel_backend', 'channel="m1",capability="video",kind="offline"'), 1);
    assert.match(text, /^webtv_web_process_cpu_seconds_total /m, 'the web server\'s own process metrics too');
  } finally {
    await web.stop();
    await handle.terminate('test over');
  }
});
