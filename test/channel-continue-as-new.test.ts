// The channel continues as new after every episode (threshold 1): its theme, counters and queue travel
// along, and no episode is lost or made twice.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { defaultBackends } from '../src/activities/backends/registry';
import { channelWorkflowId, type ChannelInput } from '../src/shared/channel';
import { setThemeUpdate, statusQuery } from '../src/shared/channelMessages';
import type { EpisodeManifest } from '../src/shared/types';

let t: TestTemporal;
before(async () => { t = await startTemporal(); });
after(async () => { await t?.stop(); });

test('continue-as-new keeps the theme and the queue, and makes each episode exactly once', async () => {
  const dataDir = path.join(t.tmpDir, 'can');
  const w = await t.startWorker({ dataDir, backends: defaultBackends() });
  const input: ChannelInput = { channel: 'can', theme: 'paper boats on a rainy street', shots: 1, targetReady: 3, maxEpisodesPerRun: 1, broadcast: false };
  const handle = await t.client.workflow.start('channelWorkflow', { taskQueue: w.taskQueue, workflowId: channelWorkflowId('can'), args: [input] });
  const firstRun = handle.workflowId;

  // Change the theme while the second run is making episode 2.
  await waitFor('the second run', async () => (await handle.query(statusQuery)).runs >= 2, 180_000, 300);
  assert.equal(await handle.executeUpdate(setThemeUpdate, { args: ['lanterns floating over a night lake'] }), 'lanterns floating over a night lake');

  const status = await waitFor('three episodes ready', async () => {
    const s = await handle.query(statusQuery);
    return s.made === 3 && s.producing.length === 0 && s.runs >= 4 ? s : null;
  }, 300_000, 500);
  assert.equal(firstRun, 'channel/can');
  assert.equal(status.theme, 'lanterns floating over a night lake');
  assert.deepEqual(status.next.map((e) => e.episode), [1, 2, 3], 'each episode queued once, in order');
  assert.equal(status.failed, 0);

  // Each episode workflow ran exactly once, and the theme change reached the episodes after it.
  for (const n of [1, 2, 3]) {
    const runs = [];
    for await (const wf of t.client.workflow.list({ query: `WorkflowId = 'can/episode-${n}'` })) runs.push(wf);
    assert.equal(runs.length, 1, `episode ${n} ran ${runs.length} times`);
  }
  const manifest = (n: number): EpisodeManifest => JSON.parse(fs.readFileSync(path.join(path.dirname(status.next[n - 1].path), 'manifest.json'), 'utf8'));
  assert.equal(manifest(3).theme, 'lanterns floating over a night lake');
  assert.equal(manifest(1).theme, 'paper boats on a rainy street');

  const history = await handle.fetchHistory();
  assert.ok(history.events?.some((e) => e.workflowExecutionStartedEventAttributes?.continuedExecutionRunId), 'the latest run was continued from an earlier one');
  await handle.terminate('test over');
});
