// Taking a channel off air as an operator does, through the real CLI against the real dev server, a real
// worker with the broadcast, node-media-server and ffmpeg: stop, list, start again from the last state,
// and a broadcast terminated by hand.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { startTestRtmp, streamIsOn } from './helpers/rtmp';
import { defaultBackends } from '../src/activities/backends/registry';
import type { RtmpServer } from '../src/servers/rtmp';
import type { ChannelStatus } from '../src/shared/channel';

let t: TestTemporal;
let rtmp: RtmpServer;
before(async () => {
  t = await startTemporal();
  rtmp = await startTestRtmp(t.tmpDir);
});
after(async () => {
  await rtmp?.stop();
  await t?.stop();
});

function ffmpegPidsFor(dir: string): number[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    const cmd = (() => { try { return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8'); } catch { return ''; } })();
    return cmd.startsWith('ffmpeg') && cmd.includes(dir) ? [Number(p)] : [];
  });
}

test('channel stop ends episodes, broadcast and ffmpeg cleanly; list shows it; start resumes; a terminated broadcast stops the channel', async () => {
  const dataDir = path.join(t.tmpDir, 'data');
  const w = await t.startWorker({
    dataDir, backends: defaultBackends(),
    broadcast: { rtmpBase: rtmp.rtmpBase, publishSecret: rtmp.secret, extraRtmp: [] },
  });
  const env = { ...process.env, TEMPORAL_ADDRESS: t.server.address, WEBTV_TASK_QUEUE: w.taskQueue };
  const webtv = (...args: string[]) => execa('node', ['bin/webtv.js', 'channel', ...args], { env, reject: false });
  const status = async (): Promise<ChannelStatus> => JSON.parse((await webtv('status', 'ops', '--json')).stdout);

  const started = await webtv('start', 'ops', '--theme', 'lighthouses in a storm', '--shots', '1');
  assert.equal(started.exitCode, 0, started.stderr);
  assert.doesNotMatch(started.stderr, /warning/, 'the dev server registers the search attributes');
  await waitFor('the stream on air', () => streamIsOn(rtmp.flvUrl('ops')), 90_000, 1000);
  await waitFor('an episode in production', async () => (await status()).producing.length > 0, 60_000, 500);

  const listed = await waitFor('channel list to show ops on air', async () => {
    const r = await webtv('list');
    return r.exitCode === 0 && /^ops\s+on air\s/m.test(r.stdout) ? r.stdout : null;
  }, 30_000, 1000);
  assert.match(listed, /lighthouses in a storm/);
  assert.equal((await webtv('pause', 'ops')).exitCode, 0);
  await waitFor('list to show paused', async () => /^ops\s+paused\s/m.test((await webtv('list')).stdout), 30_000, 1000);
  assert.equal((await webtv('resume', 'ops')).exitCode, 0);
  const before = await status();
  assert.ok(ffmpegPidsFor(path.join(dataDir)).length > 0, 'an on-air ffmpeg runs');

  const stopped = await webtv('stop', 'ops');
  assert.equal(stopped.exitCode, 0, stopped.stderr);
  assert.match(stopped.stdout, /channel ops stopped \(workflow cancelled, broadcast cancelled\)/);
  const runs = [];
  for await (const x of t.client.workflow.list()) runs.push(x);
  const failed = runs.filter((x) => x.status.name === 'FAILED' || x.status.name === 'TERMINATED');
  assert.deepEqual(failed.map((x) => x.workflowId), [], 'no workflow of the channel failed');
  const episodes = runs.filter((x) => x.workflowId.startsWith('ops/episode-'));
  assert.ok(episodes.some((x) => x.status.name === 'CANCELLED'), `the episode in production was cancelled: ${episodes.map((x) => `${x.workflowId} ${x.status.name}`)}`);
  assert.ok(episodes.every((x) => x.status.name !== 'RUNNING'));
  await waitFor('the on-air ffmpeg to exit', () => ffmpegPidsFor(dataDir).length === 0, 15_000, 200);
  assert.equal(await streamIsOn(rtmp.flvUrl('ops'), 3), false, 'the stream is off');
  const afterStop = await waitFor('list to show stopped', async () => {
    const r = await webtv('list');
    return /^ops\s+stopped\s+off air/m.test(r.stdout) ? r.stdout : null;
  }, 30_000, 1000);
  assert.match(afterStop, /ops: stopped by a cancel request/);
  const stoppedStatus = await webtv('status', 'ops');
  assert.match(stoppedStatus.stdout, /stopped: stopped by a cancel request/);

  // Starting again resumes from the last state: the same theme and counters, later episode numbers.
  const again = await webtv('start', 'ops', '--shots', '1');
  assert.equal(again.exitCode, 0, again.stderr);
  assert.match(again.stdout, /resumed from its last state/);
  const resumed = await status();
  assert.equal(resumed.theme, 'lighthouses in a storm');
  assert.equal(resumed.made, before.made);
  assert.equal(resumed.stopped, null);
  await waitFor('the stream back on air', () => streamIsOn(rtmp.flvUrl('ops')), 90_000, 1000);

  // Terminating the broadcast by hand: the channel notices, ends its production and says why.
  await t.client.workflow.getHandle('broadcast/ops').terminate('by hand in a test');
  const result = await t.client.workflow.getHandle('channel/ops').result();
  assert.equal(result, undefined, 'the channel completed');
  await waitFor('the on-air ffmpeg to exit', () => ffmpegPidsFor(dataDir).length === 0, 15_000, 200);
  const said = await webtv('status', 'ops');
  assert.match(said.stdout, /stopped: its broadcast workflow broadcast\/ops ended \(terminated\)/);
  const list2 = await waitFor('list to show stopped', async () => {
    const r = await webtv('list');
    return /^ops\s+stopped/m.test(r.stdout) ? r.stdout : null;
  }, 30_000, 1000);
  assert.match(list2, /broadcast\/ops ended \(terminated\)/);
  const episodesLeft = [];
  for await (const x of t.client.workflow.list({ query: 'ExecutionStatus = "Running"' })) episodesLeft.push(x.workflowId);
  assert.deepEqual(episodesLeft, [], 'nothing of the channel still runs');
});
