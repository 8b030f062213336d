// Disk an episode takes (issue 22 §8), side by side in one run: the same offline episode made on the real
// Temporal dev server with WEBTV_KEEP_INTERMEDIATES=1 (every stage kept, as before) and with the default
// (each intermediate goes once its reader completed, the finished set only after the air gate). Prints the
// MB a finished episode keeps, the channel's steady state for retainEpisodes of them, and the peak of the
// episode folder while it is made (sampled). Lengths: the channel default (3 shots, 9 s) and a directed
// episode's (10 shots, 30 s); `WEBTV_BENCH_DISK_SHOTS=3,15` picks others.
import { MockActivityEnvironment } from '@temporalio/testing';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBroadcastActivities } from '../src/activities/broadcast/index';
import { defaultBackends } from '../src/activities/backends/registry';
import { episodeDir } from '../src/activities/episode/paths';
import { channelConfig } from '../src/shared/channel';
import type { EpisodeInput } from '../src/shared/types';
import { offlineBackends } from '../src/shared/validation';
import { episodeWorkflow } from '../src/workflows/episode';
import { startTemporal } from '../test/helpers/temporal';

const MB = 1e6;
/** The per-channel goal for finished episodes in steady state. */
const GOAL_MB = 300;
const SAMPLE_MS = 100;

/**
 * Bytes of the files under `dir` (scratch folders and tmp files included), each inode once, leaving out the
 * inodes in `besides` (an air slot hard-linked to an episode.mp4 is counted with the episode); 0 when absent.
 */
export async function bytesUnder(dir: string, besides: ReadonlySet<number> = new Set()): Promise<number> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const seen = new Set(besides);
  let total = 0;
  for (const e of entries) {
    if (!e.isFile()) continue;
    const st = await fs.stat(path.join(e.parentPath, e.name)).catch(() => null);
    if (!st || seen.has(st.ino)) continue;
    seen.add(st.ino);
    total += st.size;
  }
  return total;
}

export interface DiskRun { shots: number; episodeSec: number; keptMB: number; peakMB: number; wallSec: number }
export interface DiskBenchResult { retainEpisodes: number; runs: { before: DiskRun; after: DiskRun }[] }

export async function main(): Promise<DiskBenchResult> {
  const defaults = channelConfig({ channel: 'bench' });
  const lengths = (process.env.WEBTV_BENCH_DISK_SHOTS ?? `${defaults.shots},10`).split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const t = await startTemporal();
  const saved = process.env.WEBTV_KEEP_INTERMEDIATES;
  try {
    const dataDir = path.join(t.tmpDir, 'disk');
    const w = await t.startWorker({ dataDir, backends: defaultBackends() });
    const air = createBroadcastActivities({ dataDir, backends: defaultBackends() });
    let episode = 0;

    /** One episode (the product's default offline backends), then the air gate, as the channel does. */
    async function measure(shots: number, keep: boolean): Promise<DiskRun> {
      if (keep) process.env.WEBTV_KEEP_INTERMEDIATES = '1';
      else delete process.env.WEBTV_KEEP_INTERMEDIATES;
      const channel = keep ? 'before' : 'after';
      const n = ++episode;
      const dir = episodeDir(dataDir, channel, n);
      let peak = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(peak, await bytesUnder(dir));
          await new Promise((r) => setTimeout(r, SAMPLE_MS));
        }
      })();
      const started = performance.now();
      const input: EpisodeInput = { channel, episode: n, theme: 'a llama programmer in a dim room, typing at night', shots, seed: 42 + n, backends: offlineBackends() };
      try {
        const m = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: `bench-disk/${channel}-${n}`, args: [input] });
        peak = Math.max(peak, await bytesUnder(dir));
        const wallSec = (performance.now() - started) / 1000;
        await new MockActivityEnvironment().run(air.prepareAir, { channel });
        await new MockActivityEnvironment().run(air.swapSlot, { channel, slot: n % 2, source: m.episodePath });
        return { shots, episodeSec: m.durationSec, keptMB: (await bytesUnder(dir)) / MB, peakMB: peak / MB, wallSec };
      } finally {
        sampling = false;
        await sampler;
      }
    }

    const result: DiskBenchResult = { retainEpisodes: defaults.retainEpisodes, runs: [] };
    const mb = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} GB` : `${x.toFixed(x < 10 ? 2 : 1)} MB`);
    for (const shots of lengths) {
      const before = await measure(shots, true);
      const after = await measure(shots, false);
      result.runs.push({ before, after });
      const steady = (r: DiskRun) => r.keptMB * result.retainEpisodes;
      console.log(`${after.episodeSec.toFixed(0)}-s offline episode (${shots} shots; made in ${before.wallSec.toFixed(1)} s kept / ${after.wallSec.toFixed(1)} s released):`);
      console.log(`  kept per finished episode (after the air gate): ${mb(before.keptMB)} every stage kept → ${mb(after.keptMB)} finished set; ratio ${(after.keptMB / before.keptMB).toFixed(4)}`);
      console.log(`  per channel, ${result.retainEpisodes} episodes kept (retainEpisodes): ${mb(steady(before))} → ${mb(steady(after))} (goal ≤ ${GOAL_MB} MB: ${steady(after) <= GOAL_MB ? 'met' : 'NOT met'})`);
      console.log(`  peak of the episode folder while producing (sampled every ${SAMPLE_MS} ms): ${mb(before.peakMB)} → ${mb(after.peakMB)}; ratio ${(after.peakMB / before.peakMB).toFixed(3)}`);
    }
    const aired = await Promise.all(result.runs.map(async (_, i) => (await fs.stat(path.join(episodeDir(dataDir, 'after', 2 * i + 2), 'episode.mp4'))).ino));
    const airMB = (await bytesUnder(path.join(dataDir, 'channels', 'after', 'air'), new Set(aired))) / MB;
    console.log(`besides its episodes, a channel's air folder holds ${mb(airMB)}: the standby clip and the slots that are not hard links of an episode`);
    return result;
  } finally {
    if (saved === undefined) delete process.env.WEBTV_KEEP_INTERMEDIATES;
    else process.env.WEBTV_KEEP_INTERMEDIATES = saved;
    await t.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
