// The model server (model-server/app.py) on tiny random-weight models of its real architectures, built
// and saved in the test and read back with from_pretrained: each endpoint's media, progress, health,
// least-recently-used unloading, and the errors the product classifies.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, handle_file } from '@gradio/client';
import type { BackendContext, BackendSpec } from '../src/activities/backends/backends';
import { gradioBackend } from '../src/activities/backends/gradio/index';
import { appBaseUrl, formatModelServers } from '../src/cli/commands/modelServerHealth';
import { runSpacesCommand } from './helpers/gradio';
import { probe } from '../src/activities/media/ffmpeg';
import { makeTinyModels, startModelServer, tinyModelEnv, type ModelServer, type TinyModels } from './helpers/modelServer';

interface Called { data: unknown[]; progress: { index: number; length: number | null; unit: string | null }[] }

/** Calls an endpoint with positional args; collects progress updates; throws the app's error text. */
async function call(url: string, endpoint: string, args: unknown[]): Promise<Called> {
  const client = await Client.connect(url, { events: ['data', 'status'] });
  const progress: Called['progress'] = [];
  try {
    for await (const msg of client.submit(endpoint, args)) {
      if (msg.type === 'status') {
        for (const p of msg.progress_data ?? []) progress.push({ index: p.index ?? 0, length: p.length, unit: p.unit });
        if (msg.stage === 'error') throw new Error(typeof msg.message === 'string' ? msg.message : JSON.stringify(msg.message ?? 'error without message'));
      }
      if (msg.type === 'data') return { data: msg.data as unknown[], progress };
    }
    throw new Error(`${endpoint} ended without data`);
  } finally {
    client.close();
  }
}

async function download(file: unknown, to: string): Promise<string> {
  const url = (file as { url: string; video?: { url: string } }).video?.url ?? (file as { url: string }).url;
  const r = await fetch(url);
  assert.ok(r.ok, `download ${url}: ${r.status}`);
  fs.writeFileSync(to, Buffer.from(await r.arrayBuffer()));
  return to;
}

describe('model server on tiny models (Gradio 6.31.0, CPU)', () => {
  let models: TinyModels;
  let server: ModelServer;
  let tmp: string;
  const ctx = (): BackendContext => ({ signal: AbortSignal.timeout(300_000), heartbeat() {}, scratchDir: tmp });

  before(async () => {
    models = await makeTinyModels();
    tmp = fs.mkdtempSync(path.join(models.dir, 'out-'));
    // Two models at most at once, so four endpoints in a row must unload the oldest.
    server = await startModelServer({ ...tinyModelEnv(models, 'film'), WEBTV_MAX_LOADED_MODELS: '2' });
  });
  after(async () => {
    await server?.stop();
    if (models) fs.rmSync(models.dir, { recursive: true, force: true });
  });

  let generated: string;
  test('/run makes a 576x320 clip at 8 fps with the frames asked for, reporting each diffusion step', async () => {
    const r = await call(server.url, '/run', ['a lighthouse in a storm', 11, 4, 2]);
    generated = await download(r.data[0], path.join(tmp, 'generated.mp4'));
    const p = await probe(generated);
    assert.deepEqual([p.video?.width, p.video?.height, p.video?.fps, p.video?.frames], [576, 320, 8, 4]);
    assert.ok(r.progress.some((x) => x.unit === 'steps' && x.length === 2), `progress: ${JSON.stringify(r.progress)}`);
  });

  test('/upscale makes 1024x576 at the input rate and length, with the prompt it was given', async () => {
    const r = await call(server.url, '/upscale', [handle_file(generated), 'a lighthouse in a storm', 11, 0.75, 2]);
    const p = await probe(await download(r.data[0], path.join(tmp, 'upscaled.mp4')));
    assert.deepEqual([p.video?.width, p.video?.height, p.video?.fps, p.video?.frames], [1024, 576, 8, 4]);
    const jobs = (await server.health() as unknown as { jobs: { endpoint: string; prompt: string; error: string | null }[] }).jobs;
    assert.equal(jobs.filter((j) => j.endpoint === '/upscale').pop()?.prompt, 'a lighthouse in a storm');
  });

  test('/interpolate (through a TorchScript model with FILM\'s interface) reaches the fps asked for, same length', async () => {
    const r = await call(server.url, '/interpolate', [handle_file(generated), 2, 24]);
    const p = await probe(await download(r.data[0], path.join(tmp, 'interpolated.mp4')));
    assert.deepEqual([p.video?.width, p.video?.height, p.video?.fps], [576, 320, 24]);
    assert.equal(p.video?.frames, 12, '4 frames at 8 fps last 0.5 s: 12 frames at 24 fps');
  });

  test('/predict_full makes audio of the duration asked for', async () => {
    const r = await call(server.url, '/predict_full', ['calm piano at night', null, 2, 3]);
    const p = await probe(await download(r.data[0], path.join(tmp, 'music.wav')));
    assert.ok(p.audio, 'an audio stream');
    assert.ok(Math.abs(p.durationSec - 2) < 0.01, `duration ${p.durationSec}`);
    assert.ok(r.progress.some((x) => x.unit === 'tokens'), 'token progress');
  });

  test('health: the device, the two most recently used models (the others unloaded), no GPU here', async () => {
    const h = await server.health();
    assert.equal(h.server, 'webtv-model-server');
    assert.equal(h.device, 'cpu');
    assert.equal(h.gpu, null);
    assert.deepEqual(h.loaded.map((m) => m.name), ['interpolate', 'music']);
    assert.ok(h.loaded.every((m) => m.bytes > 0), JSON.stringify(h.loaded));
    assert.equal(h.unloads, 2, 'video and upscale went out, oldest first');
  });

  test('`webtv spaces check` finds every default endpoint and shows the server\'s health', async (t) => {
    const config = path.join(tmp, 'channel.json');
    const g = { kind: 'gradio', app: server.url };
    fs.writeFileSync(config, JSON.stringify({ backends: { video: g, upscale: g, interpolate: g, music: g } }));
    const { code, out: text } = await runSpacesCommand(t, ['check', '--config', config]);
    assert.equal(code, 0, text);
    assert.match(text, /All configured apps answer with the expected API/);
    assert.match(text, new RegExp(`Model server ${server.url}: device cpu · loaded: interpolate film\\.pt [0-9.]+ GiB, music music [0-9.]+ GiB.* · interpolator: FILM film\\.pt$`, 'm'));
  });

  test('the product\'s own backend: an out-of-range parameter is a bad request, not retried', async () => {
    const spec: BackendSpec = { kind: 'gradio', app: server.url, params: { prompt: '$prompt', seed: '$seed', num_frames: 4, num_inference_steps: 500 } };
    await assert.rejects(gradioBackend.video!(spec, { prompt: 'a cat', seed: 1, outPath: path.join(tmp, 'x.mp4') }, ctx()), (err: any) => {
      assert.match(err.message, /500 is greater than maximum value 100/);
      assert.equal(err.nonRetryable, true);
      return true;
    });
  });

  test('an upscale whose strength leaves no diffusion step is refused as bad input', async () => {
    await assert.rejects(call(server.url, '/upscale', [handle_file(generated), 'a cat', 1, 0.5, 1]),
      /Invalid input for \/upscale: num_inference_steps × denoise_strength must be at least 1 \(got 1 × 0.5\)/);
  });

  test('the product\'s own backend: a corrupt input video is named as bad input, not retried', async () => {
    const bad = path.join(tmp, 'corrupt.mp4');
    fs.writeFileSync(bad, Buffer.from('\x00\x00\x00\x18ftypmp42 not a movie at all'.repeat(40)));
    await assert.rejects(gradioBackend.upscale!({ kind: 'gradio', app: server.url }, { prompt: 'a cat', seed: 1, inPath: bad, outPath: path.join(tmp, 'y.mp4') }, ctx()), (err: any) => {
      assert.match(err.message, /Invalid input for \/upscale: the uploaded video could not be read/);
      assert.equal(err.type, 'GradioBadInput');
      assert.equal(err.nonRetryable, true);
      return true;
    });
  });
});

describe('model server faults: a missing model directory, a GPU out of memory', () => {
  let models: TinyModels;
  let server: ModelServer;
  let tmp: string;
  before(async () => {
    models = await makeTinyModels();
    tmp = fs.mkdtempSync(path.join(models.dir, 'out-'));
    server = await startModelServer(
      { ...tinyModelEnv(models, 'blend'), WEBTV_UPSCALE_MODEL: path.join(models.dir, 'no-such-model'), WEBTV_TEST_OOM_TIMES: '2' },
      path.resolve('test/fixtures/model-server/oom_server.py'),
    );
  });
  after(async () => {
    await server?.stop();
    if (models) fs.rmSync(models.dir, { recursive: true, force: true });
  });

  test('a missing model directory says which variable to fix, and is not retried', async () => {
    const clip = path.join(tmp, 'in.mp4');
    fs.copyFileSync(path.resolve('test/fixtures/model-server/clip-64x64.mp4'), clip);
    const ctx: BackendContext = { signal: AbortSignal.timeout(120_000), heartbeat() {}, scratchDir: tmp };
    await assert.rejects(gradioBackend.upscale!({ kind: 'gradio', app: server.url }, { prompt: 'a cat', seed: 1, inPath: clip, outPath: path.join(tmp, 'u.mp4') }, ctx), (err: any) => {
      assert.match(err.message, /video-to-video model directory .*no-such-model does not exist on the model server; set WEBTV_UPSCALE_MODEL/);
      assert.equal(err.nonRetryable, true);
      return true;
    });
  });

  test('a GPU out-of-memory reaches the client as a retryable GradioGpuError and frees the other models; the same on an empty GPU is bad input', async () => {
    await call(server.url, '/predict_full', ['warm drums', null, 1, 0]);
    assert.deepEqual((await server.health()).loaded.map((m) => m.name), ['music']);
    const spec: BackendSpec = { kind: 'gradio', app: server.url, params: { prompt: '$prompt', seed: '$seed', num_frames: 2, num_inference_steps: 1 } };
    const ctx: BackendContext = { signal: AbortSignal.timeout(300_000), heartbeat() {}, scratchDir: tmp };
    await assert.rejects(gradioBackend.video!(spec, { prompt: 'a cat', seed: 1, outPath: path.join(tmp, 'v.mp4') }, ctx), (err: any) => {
      assert.match(err.message, /CUDA out of memory while running \/run/);
      assert.equal(err.type, 'GradioGpuError', 'classified as a transient GPU failure');
      assert.equal(err.nonRetryable, false, 'so Temporal retries it with backoff');
      return true;
    });
    assert.deepEqual((await server.health()).loaded.map((m) => m.name), ['video'], 'the music model made room');
    await assert.rejects(gradioBackend.video!(spec, { prompt: 'a cat', seed: 1, outPath: path.join(tmp, 'v.mp4') }, ctx), (err: any) => {
      assert.match(err.message, /Invalid input for \/run: 2 frames at 576x320 does not fit in this GPU's memory even with no other model loaded, so a retry cannot help; lower num_frames, or WEBTV_VIDEO_SIZE/);
      assert.equal(err.nonRetryable, true, 'the same out-of-memory on an otherwise empty GPU is not retried');
      return true;
    });
    await gradioBackend.video!(spec, { prompt: 'a cat', seed: 1, outPath: path.join(tmp, 'v.mp4') }, ctx);
    assert.deepEqual([(await probe(path.join(tmp, 'v.mp4'))).video?.width], [576]);
  });
});

describe('where `webtv spaces check` looks for a model server\'s health', () => {
  test('a URL as given, a Space id at its hf.space host', () => {
    assert.equal(appBaseUrl('http://gpu-box:7860'), 'http://gpu-box:7860/');
    assert.equal(appBaseUrl('http://gpu-box:7860/'), 'http://gpu-box:7860/');
    assert.equal(appBaseUrl('You/AI_WebTV.models'), 'https://you-ai-webtv-models.hf.space/');
  });

  test('it says which interpolator runs: FILM with its file, or the cross-fade', () => {
    const h = { server: 'webtv-model-server' as const, device: 'cuda:0', gpu: null, loaded: [] };
    assert.match(formatModelServers([{ app: 'http://gpu:7860/', health: { ...h, interpolator: { kind: 'blend', source: 'blend' } } }]),
      / · interpolator: blend \(a cross-fade; no FILM weights installed\)$/);
    assert.match(formatModelServers([{ app: 'http://gpu:7860/', health: { ...h, interpolator: { kind: 'film', source: '/opt/webtv-models/film_net_fp16.pt' } } }]),
      / · interpolator: FILM film_net_fp16\.pt$/);
  });
});
