// Gradio backend benchmark against the local fixture (Gradio 6.31.0), measured side by side in one run:
//  1. per capability, our backend's call (connect + API check + submit + download + ffprobe) over a bare
//     `predict` on an already connected client, as a ratio of medians;
//  2. the wall time of a whole episode with all four Gradio backends vs all offline, through Temporal.
// Run alone: node --import tsx bench/gradio.ts   (GRADIO_BENCH_RUNS=5, GRADIO_BENCH_SHOTS=3)
import { Client } from '@gradio/client';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendContext, BackendSpec } from '../src/activities/backends/backends';
import { gradioBackend } from '../src/activities/backends/gradio/index';
import { defaultBackends } from '../src/activities/backends/registry';
import { offlineBackends } from '../src/shared/validation';
import type { EpisodeInput } from '../src/shared/types';
import { episodeWorkflow } from '../src/workflows/episode';
import { startFixture } from '../test/helpers/gradio';
import { startTemporal, workflowBundle } from '../test/helpers/temporal';

export interface GradioBenchResult {
  perCapability: { capability: string; bareMs: number; oursMs: number; ratio: number }[];
  episode: { shots: number; gradioSec: number; offlineSec: number; ratio: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

export async function main(): Promise<GradioBenchResult> {
  const runs = Number(process.env.GRADIO_BENCH_RUNS ?? 5);
  const shots = Number(process.env.GRADIO_BENCH_SHOTS ?? 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-bench-gradio-'));
  const fx = await startFixture('6.31.0');
  const perCapability: GradioBenchResult['perCapability'] = [];
  let episode: GradioBenchResult['episode'];
  try {
    const spec: BackendSpec = { kind: 'gradio', app: fx.url };
    const ctx: BackendContext = { signal: new AbortController().signal, heartbeat() {}, scratchDir: dir };
    const clip = path.join(dir, 'clip.mp4');
    await gradioBackend.video!(spec, { prompt: 'warm-up', seed: 1, outPath: clip }, ctx);
    const bare = await Client.connect(fx.url, { events: ['data', 'status', 'log'] });
    // A named File, as our backend uploads (the fixture refuses a nameless "blob", like video Spaces).
    const clipFile = () => new File([fs.readFileSync(clip)], 'clip.mp4');
    const cases: { capability: string; bare: () => Promise<unknown>; ours: (out: string) => Promise<unknown> }[] = [
      { capability: 'video', bare: () => bare.predict('/run', ['a cat', 1, 24, 25]), ours: (o) => gradioBackend.video!(spec, { prompt: 'a cat', seed: 1, outPath: o }, ctx) },
      { capability: 'upscale', bare: () => bare.predict('/upscale', [clipFile(), 'a cat', 1, 0.75]), ours: (o) => gradioBackend.upscale!(spec, { prompt: 'a cat', seed: 1, inPath: clip, outPath: o }, ctx) },
      { capability: 'interpolate', bare: () => bare.predict('/interpolate', [clipFile(), 2, 24]), ours: (o) => gradioBackend.interpolate!(spec, { inPath: clip, outPath: o, fps: 24 }, ctx) },
      { capability: 'music', bare: () => bare.predict('/predict_full', ['calm', null, 3]), ours: (o) => gradioBackend.music!(spec, { description: 'calm', durationSec: 3, seed: 1, outPath: o }, ctx) },
    ];
    try {
      for (const c of cases) {
        const b: number[] = [];
        const o: number[] = [];
        for (let i = 0; i < runs; i++) {
          // Interleaved, so drift on a shared machine hits both sides alike.
          b.push(await timed(c.bare));
          o.push(await timed(() => c.ours(path.join(dir, `${c.capability}-${i}.out`))));
        }
        const bareMs = median(b);
        const oursMs = median(o);
        perCapability.push({ capability: c.capability, bareMs, oursMs, ratio: oursMs / bareMs });
      }
    } finally {
      bare.close();
    }

    const t = await startTemporal();
    try {
      await workflowBundle(); // webpack once, outside the timings
      const g = { kind: 'gradio', app: fx.url };
      const run = async (name: string, backends: EpisodeInput['backends']) => {
        const w = await t.startWorker({ dataDir: path.join(t.tmpDir, name), backends: defaultBackends() });
        const input: EpisodeInput = { channel: name, episode: 1, theme: 'a night market in the rain', shots, seed: 3, backends };
        const ms = await timed(() => t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: `${name}/episode-1`, args: [input] }));
        await w.stop();
        return ms / 1000;
      };
      const offlineSec = await run('offline', offlineBackends());
      const gradioSec = await run('gradio', { writer: { kind: 'offline' }, video: g, upscale: g, interpolate: g, music: g });
      episode = { shots, gradioSec, offlineSec, ratio: gradioSec / offlineSec };
    } finally {
      await t.stop();
    }
  } finally {
    await fx.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`Gradio backend vs bare predict (local Gradio ${fx.version} fixture, median of ${runs}):`);
  for (const p of perCapability) {
    console.log(`  ${p.capability.padEnd(12)} bare ${p.bareMs.toFixed(0).padStart(5)} ms   ours ${p.oursMs.toFixed(0).padStart(5)} ms   ratio ${p.ratio.toFixed(2)}×`);
  }
  console.log(`Episode of ${episode.shots} shots through Temporal: all Gradio ${episode.gradioSec.toFixed(1)} s vs offline ${episode.offlineSec.toFixed(1)} s (${episode.ratio.toFixed(2)}×)`);
  return { perCapability, episode };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
}
