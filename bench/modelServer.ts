// Model server benchmark on CPU with the tiny models (test/fixtures/model-server/tiny_models.py): per
// endpoint, a call through the server (connect, upload, queue, pipeline, ffmpeg encode, download) over the
// bare pipeline call in Python (bare_calls.py: same loaders and inputs, its own process), as a ratio of
// medians. The difference is the server's own overhead per call. Both sides run with one torch thread,
// interleaved call by call so load drift on a shared machine hits both alike.
// Run alone: node --import tsx bench/modelServer.ts   (MODEL_SERVER_BENCH_RUNS=3)
// On a GPU box, `--real` times the real checkpoints instead (realMain below; docs/model-server.md has
// the table to fill in); without a GPU, --real runs the tiny models as above.
import { Client, handle_file } from '@gradio/client';
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { baseEnv, makeTinyModels, modelServerPython, repoRoot, startModelServer, tinyModelEnv, type TinyModels } from '../test/helpers/modelServer';

export interface ModelServerBenchResult {
  perEndpoint: { endpoint: string; bareMs: number; serverMs: number; overheadMs: number; ratio: number }[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function callOnce(client: Client, endpoint: string, args: unknown[], to: string): Promise<void> {
  const r = await client.predict(endpoint, args);
  const file = (r.data as { url: string }[])[0];
  fs.writeFileSync(to, Buffer.from(await (await fetch(file.url)).arrayBuffer()));
}

/** bare_calls.py as a long-lived process: one line in (an endpoint), one timing out. */
async function startBareCalls(models: TinyModels): Promise<{ call(endpoint: string): Promise<number>; stop(): Promise<void> }> {
  const paths = { video: models.video, upscale: models.upscale, music: models.music, film: models.film };
  const proc = execa(await modelServerPython(), [path.join(repoRoot, 'test/fixtures/model-server/bare_calls.py'), JSON.stringify(paths)],
    { env: baseEnv, stdin: 'pipe', reject: false });
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error(`bare_calls.py ended: ${String((await proc).stderr).slice(-2000)}`);
    return r.value;
  };
  const stop = async () => { proc.stdin!.end(); await proc; };
  try {
    while ((await next()) !== 'ready');
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    async call(endpoint) {
      proc.stdin!.write(`${endpoint}\n`);
      return (JSON.parse(await next()) as { ms: number }).ms;
    },
    stop,
  };
}

export interface RealBenchResult {
  device: string;
  gpu: string | null;
  perEndpoint: { endpoint: string; what: string; seconds: number; peakGpuGiB: number | null }[];
}

/** Whether this machine's model-server environment sees a CUDA GPU. */
async function hasGpu(): Promise<boolean> {
  const r = await execa(await modelServerPython(), ['-c', 'import torch; print(torch.cuda.is_available())'], { reject: false });
  return r.stdout.trim() === 'True';
}

/**
 * `--real` on a GPU box: the real checkpoints (the server's defaults, or WEBTV_*_MODEL; downloaded to
 * HF_HOME on first use), a 24-frame shot through /run, /upscale and /interpolate and 10 s of
 * /predict_full; per endpoint the median seconds of MODEL_SERVER_BENCH_RUNS calls after one warm-up
 * (which loads the model) and the job's peak GPU memory (torch.cuda.max_memory_allocated, weights
 * included), as the server's health route reports them.
 */
async function realMain(): Promise<RealBenchResult> {
  const runs = Number(process.env.MODEL_SERVER_BENCH_RUNS ?? 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-bench-real-'));
  const { HF_HUB_OFFLINE: _offline, ...online } = baseEnv;
  const server = await startModelServer({ ...online, HF_HUB_OFFLINE: process.env.HF_HUB_OFFLINE ?? '0', OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '4' });
  const client = await Client.connect(server.url);
  const perEndpoint: RealBenchResult['perEndpoint'] = [];
  let device = '?';
  let gpu: string | null = null;
  try {
    const prompt = 'a lighthouse keeper paints a storm at night, cinematic';
    const shot = path.join(dir, 'shot.mp4');
    const upscaled = path.join(dir, 'upscaled.mp4');
    await callOnce(client, '/run', [prompt, 1, 24, 25], shot);
    await callOnce(client, '/upscale', [handle_file(shot), prompt, 1, 0.75, 25], upscaled);
    const cases: [string, string, unknown[]][] = [
      ['/run', '24 frames 576x320, 25 steps', [prompt, 1, 24, 25]],
      ['/upscale', '24 frames to 1024x576, 25 steps × 0.75', [handle_file(shot), prompt, 1, 0.75, 25]],
      ['/interpolate', '24 frames 1024x576 to 72 at 24 fps', [handle_file(upscaled), 2, 24]],
      ['/predict_full', '10 s', ['calm piano and warm drums', null, 10, 1]],
    ];
    for (const [endpoint, what, args] of cases) {
      await callOnce(client, endpoint, args, path.join(dir, 'warm.out'));
      const seconds: number[] = [];
      const peaks: number[] = [];
      for (let i = 0; i < runs; i++) {
        await callOnce(client, endpoint, args, path.join(dir, `out-${i}`));
        const h = await server.health() as unknown as { device: string; gpu: { name: string } | null; jobs: { endpoint: string; seconds: number; peak_gpu_bytes: number | null }[] };
        const job = h.jobs.filter((j) => j.endpoint === endpoint).pop()!;
        seconds.push(job.seconds);
        if (job.peak_gpu_bytes !== null) peaks.push(job.peak_gpu_bytes);
        device = h.device;
        gpu = h.gpu?.name ?? null;
      }
      perEndpoint.push({ endpoint, what, seconds: median(seconds), peakGpuGiB: peaks.length ? Math.max(...peaks) / 2 ** 30 : null });
    }
  } finally {
    client.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`device ${device}${gpu ? ` (${gpu})` : ''}; median of ${runs} calls after a warm-up`);
  console.log('endpoint        what                                        s/call   peak GPU GiB');
  for (const r of perEndpoint) {
    console.log(`${r.endpoint.padEnd(14)} ${r.what.padEnd(42)} ${r.seconds.toFixed(1).padStart(8)} ${(r.peakGpuGiB?.toFixed(2) ?? '–').padStart(14)}`);
  }
  return { device, gpu, perEndpoint };
}

export async function main(): Promise<ModelServerBenchResult | RealBenchResult> {
  if (process.argv.includes('--real')) {
    if (await hasGpu()) return realMain();
    console.log('--real: no CUDA GPU visible to the model server\'s torch here; running the tiny models on the CPU instead');
  }
  return tinyMain();
}

async function tinyMain(): Promise<ModelServerBenchResult> {
  const runs = Number(process.env.MODEL_SERVER_BENCH_RUNS ?? 3);
  const models = await makeTinyModels();
  const perEndpoint: ModelServerBenchResult['perEndpoint'] = [];
  const bare = await startBareCalls(models);
  const server = await startModelServer(tinyModelEnv(models, 'film')).catch(async (err) => { await bare.stop(); throw err; });
  const client = await Client.connect(server.url);
  try {
    const clip = path.join(models.dir, 'clip.mp4');
    await callOnce(client, '/run', ['a cat', 1, 4, 2], clip);
    const cases: [string, unknown[]][] = [
      ['/run', ['a cat', 1, 4, 2]],
      ['/upscale', [handle_file(clip), 'a cat', 1, 0.75, 2]],
      ['/interpolate', [handle_file(clip), 2, 24]],
      ['/predict_full', ['calm piano', null, 2, 1]],
    ];
    for (const [endpoint, args] of cases) {
      // Warm-ups: the server's first call loads the model; the bare side's first call primes its caches.
      await callOnce(client, endpoint, args, path.join(models.dir, 'warm.out'));
      await bare.call(endpoint);
      const b: number[] = [];
      const s: number[] = [];
      for (let i = 0; i < runs; i++) {
        b.push(await bare.call(endpoint));
        const t0 = performance.now();
        await callOnce(client, endpoint, args, path.join(models.dir, `out-${i}`));
        s.push(performance.now() - t0);
      }
      const bareMs = median(b);
      const serverMs = median(s);
      perEndpoint.push({ endpoint, bareMs, serverMs, overheadMs: serverMs - bareMs, ratio: serverMs / bareMs });
    }
  } finally {
    client.close();
    await Promise.allSettled([server.stop(), bare.stop()]);
    fs.rmSync(models.dir, { recursive: true, force: true });
  }
  console.log('endpoint        bare ms   server ms   overhead ms   server/bare');
  for (const r of perEndpoint) {
    console.log(`${r.endpoint.padEnd(14)} ${r.bareMs.toFixed(0).padStart(8)} ${r.serverMs.toFixed(0).padStart(11)} ${r.overheadMs.toFixed(0).padStart(13)} ${r.ratio.toFixed(2).padStart(13)}`);
  }
  return { perEndpoint };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
}
