// `webtv channel …` as people run it (the real bin/webtv.js in a child process) against the real dev server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import path from 'node:path';
import { startTemporal, type TestTemporal } from './helpers/temporal';
import { defaultBackends } from '../src/activities/backends/registry';
import type { ChannelStatus } from '../src/shared/channel';

let t: TestTemporal;
before(async () => { t = await startTemporal(); });
after(async () => { await t?.stop(); });

test('webtv channel start, theme, pause, resume and status drive the channel workflow', async () => {
  const w = await t.startWorker({ dataDir: path.join(t.tmpDir, 'cli'), backends: defaultBackends() });
  const env = { ...process.env, TEMPORAL_ADDRESS: t.server.address, WEBTV_TASK_QUEUE: w.taskQueue };
  const webtv = (...args: string[]) => execa('node', ['bin/webtv.js', 'channel', ...args], { env, reject: false });
  const status = async (name: string): Promise<ChannelStatus> => {
    const r = await webtv('status', name, '--json');
    assert.equal(r.exitCode, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  const started = await webtv('start', 'cli1', '--theme', 'a snail race at dawn', '--shots', '1', '--no-broadcast');
  assert.equal(started.exitCode, 0, started.stderr);
  assert.match(started.stdout, /channel cli1 is running \(workflow channel\/cli1/);
  assert.equal((await webtv('start', 'cli1')).exitCode, 0, 'starting a running channel is fine');
  assert.equal((await status('cli1')).theme, 'a snail race at dawn');

  const empty = await webtv('theme', 'cli1', '   ');
  assert.equal(empty.exitCode, 2);
  assert.match(empty.stderr, /theme is empty/);
  const changed = await webtv('theme', 'cli1', 'a turtle marathon in the rain');
  assert.equal(changed.exitCode, 0, changed.stderr);
  assert.match(changed.stdout, /theme of cli1 is now: a turtle marathon in the rain/);

  assert.equal((await webtv('pause', 'cli1')).exitCode, 0);
  assert.equal((await status('cli1')).paused, true);
  assert.equal((await webtv('resume', 'cli1')).exitCode, 0);
  const s = await status('cli1');
  assert.equal(s.paused, false);
  assert.equal(s.theme, 'a turtle marathon in the rain');
  const text = await webtv('status', 'cli1');
  assert.match(text.stdout, /theme\s+a turtle marathon in the rain/);

  const missing = await webtv('status', 'nope');
  assert.equal(missing.exitCode, 1);
  assert.match(missing.stderr, /not running|not found/i);
  const bad = await webtv('start', 'Bad Name!');
  assert.equal(bad.exitCode, 2);
  assert.match(bad.stderr, /channel name .* invalid|not valid/);
  await t.client.workflow.getHandle('channel/cli1').terminate('test over');
});
