// Aborting a Gradio job, through the real Temporal server and fixture: our deadline and Temporal's
// cancellation both close the client, so a queued job leaves the app's queue and no job of ours runs
// beside a hung one; a server killed mid-job and restarted is retried on a fresh client.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { startFixture, waitUntil, type Fixture } from './helpers/gradio';
import { rootFailure, startGradioTemporal, type GradioTemporal } from './helpers/gradioTemporal';
import { probe } from '../src/activities/media/ffmpeg';

describe('aborting Gradio jobs (Gradio 6.31.0 fixture)', () => {
  let fx: Fixture;
  let t: GradioTemporal;
  const video = (deadlineSec: number, maximumAttempts = 1) => ({
    capability: 'video' as const, prompt: 'a slow tide',
    spec: { kind: 'gradio', app: fx.url, deadlineSec, params: { prompt: '$prompt', seed: '$seed', num_frames: 8 } },
    maximumAttempts, initialIntervalMs: 200,
  });
  before(async () => {
    [fx, t] = await Promise.all([startFixture('6.31.0'), startGradioTemporal()]);
  });
  after(async () => {
    await Promise.allSettled([fx?.release(), fx?.stop(), t?.stop()]);
  });
  beforeEach(async () => { await fx.reset(); });

  test('a hung job is aborted at our deadline; the retry queued behind it leaves the queue; the next job never runs beside it', async () => {
    await fx.fault('hang', { endpoint: '/run' });
    const first = await t.start(video(2, 2));
    // Attempt 1 hangs in the slot; attempt 2 waits in the queue behind it until its own deadline.
    await waitUntil('attempt 2 queued behind the hung job', async () => { const s = await fx.state(); return s.running === 1 && s.queued === 1; }, 20_000);
    const started = Date.now();
    await assert.rejects(t.client.workflow.getHandle(first.workflowId).result(), (err) => {
      const f = rootFailure(err);
      assert.equal(f.type, 'GradioTimeout');
      // Attempt 2 never left the queue: the message says so, and that it was dropped from it.
      assert.match(f.message, /the job was still queued at position 0 of 1 when our deadline of 2 s passed; it was dropped from the app's queue and never ran/);
      return true;
    });
    assert.ok(Date.now() - started < 8_000, 'attempt 2 was aborted at its 2 s deadline, not left waiting');
    await waitUntil('the aborted job to leave the queue', async () => (await fx.state()).queued === 0, 5_000);
    assert.equal((await fx.state()).running, 1, 'the hung job still holds the slot (the app cannot stop it)');

    const next = await t.start(video(30));
    await waitUntil('the next job to queue behind the hung one', async () => (await fx.state()).queued === 1, 10_000);
    await fx.release();
    const r = await t.client.workflow.getHandle(next.workflowId).result() as { attempt: number };
    assert.equal(r.attempt, 1);
    assert.equal((await probe(next.outPath)).video?.width, 576);
    const s = await fx.state();
    assert.equal(s.max_running, 1, 'no job ever ran beside another in the one slot');
    assert.equal(s.calls['/run'], 2, 'the hung job and the next one ran; the aborted queued retry never did');
  });

  test('a job still running at the deadline: the failure and the heartbeat say it holds the app\'s slot, and the retry says why it waits', async () => {
    await fx.fault('hang', { endpoint: '/run' });
    // Deadlines above the SDK's heartbeat throttle (0.8 × the 5-s heartbeat timeout), so each state reaches the server.
    const w = await t.start({ ...video(8, 2), initialIntervalMs: 5_000, maximumIntervalMs: 5_000 });
    const handle = t.client.workflow.getHandle(w.workflowId);
    const details = async () => {
      const p = (await handle.describe()).raw.pendingActivities?.[0];
      const payload = p?.heartbeatDetails?.payloads?.[0];
      return { p, beat: payload ? defaultPayloadConverter.fromPayload<Record<string, unknown>>(payload as any) : undefined };
    };
    try {
      // During the backoff after attempt 1, the pending activity shows what attempt 1 left behind.
      const { p, beat } = await waitUntil('attempt 1 to fail at its deadline', async () => {
        const d = await details();
        return d.p?.lastFailure?.message ? d : undefined;
      }, 60_000);
      assert.match(p!.lastFailure!.message!, /the job was still running when our deadline of 8 s passed; we stopped waiting, but our abandoned job is still running on the app and holds its slot until its function returns: the next attempt may wait behind it/);
      assert.equal(beat?.stage, 'deadline passed while running', JSON.stringify(beat));
      assert.match(String(beat?.slot), /holds its slot until its function returns/);
      assert.equal((await fx.state()).running, 1, 'and the app is indeed still running it');
      // Attempt 2 waits in the queue behind it, and its heartbeat says why.
      const queued = await waitUntil('attempt 2 queued, saying why', async () => {
        const d = await details();
        return d.p?.attempt === 2 && d.beat?.stage === 'queued' ? d.beat : undefined;
      }, 30_000);
      assert.match(String(queued.slot), /our previous attempt's job may still be running on the app and holding its slot/);
      await assert.rejects(handle.result(), (err) => {
        assert.match(rootFailure(err).message, /the job was still queued at position 0 of 1 when our deadline of 8 s passed/);
        return true;
      });
    } finally {
      await handle.cancel().catch(() => {});
      await fx.release();
      await waitUntil('the hung job to end', async () => (await fx.state()).running === 0, 10_000);
    }
  });

  test('a Temporal cancellation closes the client: a queued job never runs (it leaves the queue), a running one is dropped', async () => {
    // A fresh app: after the test above, Gradio 6.31 was seen keeping a queue entry the cancelled job
    // below then never cleared (reproducible when the two run in one fixture; see the closing note).
    await fx.kill();
    await fx.restart();
    await fx.fault('hang', { endpoint: '/run' });
    const running = await t.start(video(60));
    await waitUntil('the first job running', async () => (await fx.state()).running === 1, 15_000);
    const queued = await t.start(video(60));
    await waitUntil('the second job queued', async () => (await fx.state()).queued === 1, 15_000);

    const handle = t.client.workflow.getHandle(queued.workflowId);
    const details = await waitUntil('the queue position in the activity heartbeat', async () => {
      const d = await handle.describe();
      const payload = d.raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.[0];
      const v = payload ? defaultPayloadConverter.fromPayload<Record<string, unknown>>(payload as any) : undefined;
      return v?.stage === 'queued' ? v : undefined;
    }, 15_000);
    assert.equal(typeof details.position, 'number');

    const started = Date.now();
    await handle.cancel();
    // The activity waits for cancellation to complete (WAIT_CANCELLATION_COMPLETED): by now it has closed the client.
    await assert.rejects(handle.result(), /cancel/i);
    assert.ok(Date.now() - started < 10_000, `cancellation took ${Date.now() - started} ms to reach the activity`);
    // Closing the client alone left the entry in Gradio's queue past 35 s in two full-suite CI runs (Gradio
    // notices a closed stream late): the activity also takes a job that never started out of the queue by name.
    await waitUntil('the cancelled job to leave the queue', async () => (await fx.state()).queued === 0, 10_000);

    const first = t.client.workflow.getHandle(running.workflowId);
    await first.cancel();
    await assert.rejects(first.result(), /cancel/i);
    await fx.release();
    await waitUntil('the dropped job to end, and the queue to drain', async () => { const st = await fx.state(); return st.running === 0 && st.queued === 0; }, 60_000);
    assert.equal((await fx.state()).calls['/run'], 1, 'the cancelled queued job never ran');
    assert.equal((await fx.state()).max_running, 1, 'and never ran beside another');
  });

  test('a server killed mid-job and restarted: retried on a fresh client, succeeds', async () => {
    await fx.fault('slow', { endpoint: '/run', seconds: 60 });
    // Enough attempts (one a second) to outlast a restart of Gradio on a loaded machine (seen > 20 s).
    const w = await t.start({ ...video(60, 120), initialIntervalMs: 500, maximumIntervalMs: 1_000 });
    await waitUntil('the job running', async () => (await fx.state()).running === 1, 15_000);
    await fx.kill();
    await fx.restart();
    const r = await t.client.workflow.getHandle(w.workflowId).result() as { attempt: number };
    assert.ok(r.attempt >= 2, `attempt ${r.attempt}`);
    assert.equal((await probe(w.outPath)).video?.height, 320);
    assert.equal((await fx.state()).calls['/run'], 1, 'the restarted server ran the job once');
  });
});
