// A whole 2-shot episode through the real Temporal server, the product's four Gradio backends and the
// model server on tiny models: no offline fallback anywhere, and each upscale gets its shot's prompt.
// The server renders at reduced sizes here (WEBTV_VIDEO_SIZE / WEBTV_UPSCALE_SIZE) and one or two
// diffusion steps, so 24-frame shots fit a shared CPU; test/model-server.test.ts checks the default sizes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { probe } from '../src/activities/media/ffmpeg';
import { defaultBackends } from '../src/activities/backends/registry';
import type { EpisodeInput } from '../src/shared/types';
import { episodeWorkflow } from '../src/workflows/episode';
import { makeTinyModels, startModelServer, tinyModelEnv, type ModelServer, type TinyModels } from './helpers/modelServer';
import { startTemporal, type TestTemporal } from './helpers/temporal';

describe('an episode made by the model server', () => {
  let models: TinyModels;
  let server: ModelServer;
  let t: TestTemporal;
  before(async () => {
    models = await makeTinyModels();
    [server, t] = await Promise.all([
      startModelServer({ ...tinyModelEnv(models, 'blend'), WEBTV_VIDEO_SIZE: '128x64', WEBTV_UPSCALE_SIZE: '256x144' }),
      startTemporal(),
    ]);
  });
  after(async () => {
    await Promise.allSettled([server?.stop(), t?.stop()]);
    if (models) fs.rmSync(models.dir, { recursive: true, force: true });
  });

  test('two shots: generated, upscaled with their own prompts, interpolated, scored, muxed, all by the server; the manifest says how each was made', async () => {
    const app = { kind: 'gradio', app: server.url, deadlineSec: 900 };
    const backends: EpisodeInput['backends'] = {
      writer: { kind: 'offline' },
      video: { ...app, params: { prompt: '$prompt', seed: '$seed', num_frames: 24, num_inference_steps: 1 } },
      upscale: { ...app, params: { video: '$video', prompt: '$prompt', seed: '$seed', denoise_strength: 0.75, num_inference_steps: 2 } },
      interpolate: app,
      music: app,
    };
    const input: EpisodeInput = { channel: 'ms', episode: 1, theme: 'a lighthouse keeper who paints storms', shots: 2, seed: 5, backends };
    const w = await t.startWorker({ dataDir: path.join(t.tmpDir, 'ms'), backends: defaultBackends() });
    const m = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'ms/episode-1', args: [input] });
    await w.stop();

    assert.equal(m.degraded, false);
    const media = m.steps.filter((s) => s.step !== 'writeShotList' && s.step !== 'muxEpisode');
    assert.equal(media.length, 2 * 3 + 1);
    for (const s of media) assert.equal(s.backend, 'gradio', JSON.stringify(s));

    const jobs = ((await server.health()) as unknown as { jobs: { endpoint: string; prompt: string | null; error: string | null }[] }).jobs;
    assert.deepEqual(jobs.map((j) => j.error), jobs.map(() => null), 'no job failed');
    const prompts = (e: string) => jobs.filter((j) => j.endpoint === e).map((j) => j.prompt).sort();
    assert.deepEqual(prompts('/upscale'), prompts('/run'), 'each upscale got the prompt its shot was generated with');
    assert.deepEqual(prompts('/run'), m.shots.map((s) => s.prompt).sort());
    assert.equal(jobs.filter((j) => j.endpoint === '/interpolate').length, 2);
    assert.equal(jobs.filter((j) => j.endpoint === '/predict_full').length, 1);

    // What made each shot, as the server wrote it in the clips' comment tag and the mux's probe read it.
    for (const shot of m.shots) {
      assert.deepEqual(shot.made?.run, { scheduler: 'DPMSolverMultistepScheduler', steps: 1, guidance: 9, negative_prompt: 'text, watermark, copyright, blurry, nsfw', seed: shot.seed }, JSON.stringify(shot.made));
      assert.deepEqual([shot.made?.upscale?.scheduler, shot.made?.upscale?.steps, shot.made?.upscale?.guidance, shot.made?.upscale?.strength], ['DPMSolverMultistepScheduler', 2, 15, 0.75]);
      assert.deepEqual(shot.made?.interpolate, { interpolator: 'blend', fps: 24 });
    }
    const saved = JSON.parse(fs.readFileSync(m.manifestPath, 'utf8')) as typeof m;
    assert.deepEqual(saved.shots.map((s) => s.made), m.shots.map((s) => s.made), 'manifest.json records it');

    const p = await probe(m.episodePath);
    assert.deepEqual([p.video?.width, p.video?.height, p.video?.fps], [1024, 576, 24]);
    assert.ok(p.audio && Math.abs(p.durationSec - 6) < 0.3, `duration ${p.durationSec}`);
  });
});
