// A scheduled theme with `episodes`: scheduledThemeWorkflow (run directly, as a schedule firing runs it)
// sets the theme through the channel's update, waits for that many more episodes, and puts the
// previous theme back. A refused theme fails the firing with the channel's reason.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { defaultBackends } from '../src/activities/backends/registry';
import { statusQuery } from '../src/shared/channelMessages';

let t: TestTemporal;
before(async () => { t = await startTemporal(); });
after(async () => { await t?.stop(); });

// targetReady 2: with no broadcast, made episodes stay in their slots and production stops at targetReady.
// The channel's first episode is in production when the theme changes: it finishes with the old theme
// and does not count, so the special needs room for a second episode. (With targetReady 1 the firing
// waited forever whenever the first episode had started first: CI timed the file out at 600 s.)
test('a scheduled theme for 1 episode is set through the update, then the previous theme returns', { timeout: 240_000 }, async () => {
  const w = await t.startWorker({ dataDir: path.join(t.tmpDir, 'data'), backends: defaultBackends() });
  const channel = t.client.workflow.getHandle('channel/prog');
  await t.client.workflow.start('channelWorkflow', {
    taskQueue: w.taskQueue, workflowId: 'channel/prog',
    args: [{ channel: 'prog', theme: 'the usual morning show', shots: 1, targetReady: 2, broadcast: false }],
  });
  // The special arrives while the first episode is in production, the case that hung before.
  await waitFor('the first episode in production', async () => (await channel.query(statusQuery)).producing.length > 0, 60_000, 200);
  const run = await t.client.workflow.start('scheduledThemeWorkflow', {
    taskQueue: w.taskQueue, workflowId: 'theme/prog/test-1',
    args: [{ channel: 'prog', theme: 'a one-episode special on jellyfish', episodes: 1 }],
  });
  await waitFor('the scheduled theme', async () => (await channel.query(statusQuery)).theme === 'a one-episode special on jellyfish', 30_000, 500);
  const result = await run.result();
  assert.deepEqual(result, { accepted: 'a one-episode special on jellyfish', previous: 'the usual morning show', restored: true });
  const s = await channel.query(statusQuery);
  assert.equal(s.theme, 'the usual morning show');
  assert.ok(s.made >= 2, `the special's own episode is the second: made ${s.made}`);

  const refused = await t.client.workflow.start('scheduledThemeWorkflow', {
    taskQueue: w.taskQueue, workflowId: 'theme/prog/test-2', args: [{ channel: 'prog', theme: 'x'.repeat(2001) }],
  });
  await assert.rejects(refused.result(), (err: unknown) => err instanceof WorkflowFailedError && /invalid scheduled theme: theme: the theme is 2001 characters/.test(String(err.cause?.message)));
  const missing = await t.client.workflow.start('scheduledThemeWorkflow', {
    taskQueue: w.taskQueue, workflowId: 'theme/nochannel/test-3', args: [{ channel: 'nochannel', theme: 'anything' }],
  });
  await assert.rejects(missing.result(), (err: unknown) => err instanceof WorkflowFailedError && /channel nochannel is not running/.test(String((err.cause as any)?.cause?.message ?? err.cause?.message)));
  await channel.terminate('test over');
});
