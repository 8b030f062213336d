// Episode benchmarks, measured side by side in one run and printed as ratios (no assertions on time):
// 1. orchestration overhead: the same 3-shot offline episode through Temporal vs the same activity
//    functions called directly in one process;
// 2. production rate: seconds of finished episode per second of wall time, at K = 1 and K = 2.
import { MockActivityEnvironment } from '@temporalio/testing';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActivities } from '../src/activities/index';
import { defaultBackends } from '../src/activities/backends/registry';
import { BROADCAST, type EpisodeInput, type StepRecord } from '../src/shared/types';
import { offlineBackends } from '../src/shared/validation';
import { episodeWorkflow } from '../src/workflows/episode';
import { startTemporal } from '../test/helpers/temporal';

function input(channel: string, episode: number, parallelShots: number, interpolation: 'mci' | 'blend'): EpisodeInput {
  const backends = offlineBackends();
  backends.interpolate = { kind: 'offline', mode: interpolation };
  return { channel, episode, theme: 'a llama programmer in a dim room, typing at night', shots: 3, seed: 42, backends, parallelShots };
}

/** The workflow's sequence, called directly: no Temporal, no retries, same activity code. */
async function episodeDirect(dataDir: string, inp: EpisodeInput): Promise<number> {
  const acts = createActivities({ dataDir, backends: defaultBackends() });
  const run = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A): Promise<R> => new MockActivityEnvironment().run(fn as (...a: unknown[]) => Promise<R>, ...args);
  const ref = { channel: inp.channel, episode: inp.episode };
  const list = await run(acts.writeShotList, { ...ref, theme: inp.theme, shots: inp.shots, seed: inp.seed, writer: inp.backends.writer });
  const durationSec = inp.shots * 3;
  const description = `${list.mood}; instrumental soundtrack for: ${inp.theme}`;
  const music = run(acts.composeMusic, { ...ref, description, durationSec, seed: inp.seed, backend: inp.backends.music });
  const shots: Awaited<ReturnType<typeof makeShot>>[] = [];
  async function makeShot(i: number) {
    const base = { ...ref, shot: i, prompt: list.prompts[i], seed: inp.seed + i * 7919 };
    const g = await run(acts.generateShot, { ...base, backend: inp.backends.video });
    const u = await run(acts.upscaleShot, { ...base, inPath: g.path, backend: inp.backends.upscale });
    const f = await run(acts.interpolateShot, { ...base, inPath: u.path, fps: BROADCAST.fps, backend: inp.backends.interpolate });
    return { index: i, prompt: base.prompt, seed: base.seed, generated: g.path, upscaled: u.path, interpolated: f.path };
  }
  let next = 0;
  await Promise.all(Array.from({ length: inp.parallelShots ?? 2 }, async () => {
    while (next < inp.shots) { const i = next++; shots[i] = await makeShot(i); }
  }));
  const song = await music;
  const steps: StepRecord[] = [];
  const m = await run(acts.muxEpisode, { ...ref, workflowId: 'direct', theme: inp.theme, seed: inp.seed, mood: list.mood, shots, music: { path: song.path, description }, steps });
  return m.durationSec;
}

export interface EpisodeBenchResult {
  temporalSec: number;
  directSec: number;
  overheadRatio: number;
  perActivityOverheadMs: number;
  rate: { k: number; episodeSec: number; wallSec: number; ratio: number }[];
}

export async function main(): Promise<EpisodeBenchResult> {
  const t = await startTemporal();
  try {
    const dataDir = path.join(t.tmpDir, 'bench');
    const w = await t.startWorker({ dataDir, backends: defaultBackends() });
    const viaTemporal = async (episode: number, k: number, interp: 'mci' | 'blend') => {
      const started = performance.now();
      const m = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: `bench/episode-${episode}`, args: [input('bench', episode, k, interp)] });
      return { sec: (performance.now() - started) / 1000, episodeSec: m.durationSec, activities: m.steps.length };
    };
    const direct = async (episode: number) => {
      const started = performance.now();
      await episodeDirect(dataDir, input('bench-direct', episode, 2, 'blend'));
      return (performance.now() - started) / 1000;
    };

    // Warm both paths once (webpack bundle, ffmpeg caches), then alternate to share the machine's noise.
    await viaTemporal(1, 2, 'blend');
    await direct(1);
    const tRuns: number[] = [];
    const dRuns: number[] = [];
    let activities = 0;
    for (let i = 0; i < 3; i++) {
      const r = await viaTemporal(10 + i, 2, 'blend');
      activities = r.activities;
      tRuns.push(r.sec);
      dRuns.push(await direct(10 + i));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const temporalSec = median(tRuns);
    const directSec = median(dRuns);
    const result: EpisodeBenchResult = {
      temporalSec, directSec,
      overheadRatio: temporalSec / directSec,
      perActivityOverheadMs: ((temporalSec - directSec) * 1000) / activities,
      rate: [],
    };
    console.log(`orchestration: 3-shot offline episode (blend interpolation), median of 3: Temporal ${temporalSec.toFixed(2)} s vs direct ${directSec.toFixed(2)} s`);
    console.log(`  ratio Temporal/direct = ${result.overheadRatio.toFixed(3)}; overhead per activity = ${result.perActivityOverheadMs.toFixed(0)} ms (${activities} activities)`);

    // Production rate with the product's default offline interpolation (motion-compensated).
    for (const k of [1, 2]) {
      const r = await viaTemporal(100 + k, k, 'mci');
      result.rate.push({ k, episodeSec: r.episodeSec, wallSec: r.sec, ratio: r.episodeSec / r.sec });
      console.log(`production rate K=${k}: ${r.episodeSec.toFixed(1)} s of episode in ${r.sec.toFixed(1)} s wall = ${(r.episodeSec / r.sec).toFixed(3)} s/s`);
    }
    const [k1, k2] = result.rate;
    console.log(`  K=2 / K=1 speed-up = ${(k2.ratio / k1.ratio).toFixed(2)}×`);
    return result;
  } finally {
    await t.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
