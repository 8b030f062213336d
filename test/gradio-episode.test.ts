// Whole episodes through the real Temporal server with all four capabilities on the Gradio fixture:
// the episode is made by the apps, and when an app refuses for good the step falls back to offline, on record.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { readActivityLog } from '../src/activities/episode/artifacts';
import { defaultBackends } from '../src/activities/backends/registry';
import { episodeWorkflow } from '../src/workflows/episode';
import type { EpisodeInput } from '../src/shared/types';
import { startFixture, type Fixture } from './helpers/gradio';
import { probe } from '../src/activities/media/ffmpeg';
import { startTemporal, type TestTemporal } from './helpers/temporal';

describe('episodes with Gradio backends (Gradio 6.31.0 fixture)', () => {
  let fx: Fixture;
  let t: TestTemporal;
  const input = (channel: string): EpisodeInput => {
    const g = { kind: 'gradio', app: fx.url, deadlineSec: 60 };
    return { channel, episode: 1, theme: 'a lighthouse keeper who paints storms', shots: 2, seed: 5, backends: { writer: { kind: 'offline' }, video: g, upscale: g, interpolate: g, music: g } };
  };
  before(async () => {
    [fx, t] = await Promise.all([startFixture('6.31.0'), startTemporal()]);
  });
  after(async () => {
    await Promise.allSettled([fx?.stop(), t?.stop()]);
  });
  beforeEach(async () => { await fx.reset(); });

  test('all four Gradio backends make a whole episode in the broadcast format', async () => {
    const w = await t.startWorker({ dataDir: path.join(t.tmpDir, 'gradio'), backends: defaultBackends() });
    const m = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'gradio/episode-1', args: [input('gradio')] });
    assert.equal(m.degraded, false);
    const media = m.steps.filter((s) => s.step !== 'writeShotList' && s.step !== 'muxEpisode');
    assert.equal(media.length, 2 * 3 + 1);
    for (const s of media) assert.equal(s.backend, 'gradio', JSON.stringify(s));
    const st = await fx.state();
    assert.deepEqual(st.calls, { '/run': 2, '/upscale': 2, '/interpolate': 2, '/predict_full': 1 });
    assert.ok(m.shots.some((s) => s.prompt === st.last['/upscale'].prompt), 'the upscaler got a shot\'s own prompt');
    assert.equal(st.max_running, 1, 'the one GPU slot was never shared');
    const p = await probe(m.episodePath);
    assert.deepEqual([p.video?.width, p.video?.height, p.video?.fps], [1024, 576, 24]);
    assert.ok(p.audio && Math.abs(p.durationSec - 6) < 0.3, `duration ${p.durationSec}`);
  });

  test('a GPU error the app raises (ZeroGPU "GPU task aborted") is retried: the episode is made by the apps, not degraded', async () => {
    await fx.fault('error', { endpoint: '/upscale', times: 1, title: 'ZeroGPU worker error', message: 'GPU task aborted' });
    const w = await t.startWorker({ dataDir: path.join(t.tmpDir, 'gpu'), backends: defaultBackends() });
    const m = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'gpu/episode-1', args: [input('gpu')] });
    assert.equal(m.degraded, false);
    const ups = m.steps.filter((s) => s.step === 'upscaleShot');
    for (const s of ups) assert.equal(s.backend, 'gradio', JSON.stringify(s));
    assert.deepEqual(ups.map((s) => s.attempts).sort(), [1, 2], 'the shot that met the GPU error took a second attempt');
    assert.equal((await fx.state()).calls['/upscale'], 3);
    const log = readActivityLog(path.dirname(m.manifestPath)).filter((e) => e.step === 'upscaleShot' && e.outcome === 'failed');
    assert.equal(log.length, 1);
    assert.match(String(log[0].error), /ZeroGPU worker error: GPU task aborted \(the Space's GPU was not available or its GPU task was cut short \(ZeroGPU\); retrying with backoff\)/);
  });

  test('an upscaler that refuses for good: the episode goes on with the offline upscaler and says so', async () => {
    await fx.fault('error', { endpoint: '/upscale', times: 100 });
    const w = await t.startWorker({ dataDir: path.join(t.tmpDir, 'fallback'), backends: defaultBackends() });
    const m = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'fallback/episode-1', args: [input('fallback')] });
    assert.equal(m.degraded, true);
    const ups = m.steps.filter((s) => s.step === 'upscaleShot');
    assert.equal(ups.length, 2);
    for (const s of ups) {
      assert.equal(s.backend, 'offline');
      assert.equal(s.degraded?.from, 'gradio');
      assert.match(s.degraded?.reason ?? '', /rejected by the safety filter/);
    }
    const st = await fx.state();
    assert.equal(st.calls['/upscale'], 2, 'a non-retryable refusal is asked once per shot');
    // The offline upscaler writes raw video; the interpolator app got it as H.264 in MP4, under a real name.
    assert.match(String(st.last['/interpolate'].video), /\.upscaled\.[^/]*\.mkv\.upload\.mp4$/);
    for (const s of m.steps.filter((x) => x.step === 'generateShot' || x.step === 'interpolateShot')) assert.equal(s.backend, 'gradio');
    const onDisk = JSON.parse(fs.readFileSync(m.manifestPath, 'utf8'));
    assert.equal(onDisk.degraded, true);
    assert.deepEqual([(await probe(m.episodePath)).video?.width], [1024]);
  });
});
