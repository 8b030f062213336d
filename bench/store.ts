// The store's cost, measured side by side in one run: the same 3-shot offline episode made through Temporal
// with the default directory store (the data directory: nothing copied) and with an S3 store (SeaweedFS on
// this machine, so the network is loopback), alternated to share the machine's noise. Prints the wall-time
// ratio (goal ≤ 1.15) and the bytes each episode moved, plus what an air worker pays to fetch one.
import path from 'node:path';
import { defaultBackends } from '../src/activities/backends/registry';
import type { EpisodeInput } from '../src/shared/types';
import { offlineBackends } from '../src/shared/validation';
import { episodeWorkflow } from '../src/workflows/episode';
import { dataDirStore, storeFromEnv, type Store } from '../src/store/index';
import { startTemporal } from '../test/helpers/temporal';
import { startSeaweed } from '../test/helpers/seaweedfs';

function input(channel: string, episode: number): EpisodeInput {
  const backends = offlineBackends();
  backends.interpolate = { kind: 'offline', mode: 'blend' };
  return { channel, episode, theme: 'a llama programmer in a dim room, typing at night', shots: 3, seed: 42 + episode, backends, parallelShots: 2 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

export interface StoreBenchResult {
  directorySec: number;
  s3Sec: number;
  ratio: number;
  bytesPerEpisode: { directory: number; s3Uploaded: number; airDownloaded: number };
  airFetchSec: number;
}

export async function main(): Promise<StoreBenchResult> {
  const [t, sw] = await Promise.all([startTemporal(), startSeaweed()]);
  const stores: Store[] = [];
  try {
    const dirData = path.join(t.tmpDir, 'directory');
    const s3Data = path.join(t.tmpDir, 's3');
    const dirStore = dataDirStore(dirData);
    const s3Store = storeFromEnv(s3Data, sw.env('bench'));
    stores.push(dirStore, s3Store);
    const dirWorker = await t.startWorker({ dataDir: dirData, backends: defaultBackends(), store: dirStore });
    const s3Worker = await t.startWorker({ dataDir: s3Data, backends: defaultBackends(), store: s3Store });
    const run = async (which: 'directory' | 's3', episode: number) => {
      const w = which === 'directory' ? dirWorker : s3Worker;
      const store = which === 'directory' ? dirStore : s3Store;
      const before = { ...store.moved };
      const started = performance.now();
      const m = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: `${which}/episode-${episode}`, args: [input(which, episode)] });
      return { sec: (performance.now() - started) / 1000, manifest: m, uploaded: store.moved.uploaded - before.uploaded };
    };

    // Warm both (webpack bundle, ffmpeg, the S3 connection), then alternate.
    await run('directory', 1);
    await run('s3', 1);
    const d: number[] = [];
    const s: number[] = [];
    let dirBytes = 0;
    let s3Bytes = 0;
    const fetches: number[] = [];
    let airBytes = 0;
    for (let i = 0; i < 3; i++) {
      const a = await run('directory', 10 + i);
      const b = await run('s3', 10 + i);
      d.push(a.sec);
      s.push(b.sec);
      dirBytes = a.uploaded;
      s3Bytes = b.uploaded;
      // An air worker with an empty cache fetches the finished episode.
      const air = storeFromEnv(path.join(t.tmpDir, `air-${i}`), sw.env('bench'));
      stores.push(air);
      const started = performance.now();
      await air.fetch(b.manifest.episodeFile!);
      fetches.push((performance.now() - started) / 1000);
      airBytes = air.moved.downloaded;
    }
    const result: StoreBenchResult = {
      directorySec: median(d),
      s3Sec: median(s),
      // Paired runs (same seed, hence the same work, on each side): the ratio of their totals.
      ratio: sum(s) / sum(d),
      bytesPerEpisode: { directory: dirBytes, s3Uploaded: s3Bytes, airDownloaded: airBytes },
      airFetchSec: median(fetches),
    };
    console.log(`episode (3 offline shots) wall time, median of 3: directory store ${result.directorySec.toFixed(1)} s, S3 store ${result.s3Sec.toFixed(1)} s`);
    console.log(`S3 / directory (total of 3 paired runs): ${result.ratio.toFixed(3)} (goal ≤ 1.15)  runs: directory ${d.map((x) => x.toFixed(1)).join(', ')} s; S3 ${s.map((x) => x.toFixed(1)).join(', ')} s`);
    console.log(`bytes moved per episode: directory store ${mb(dirBytes)} (every file is already at its key); S3 store ${mb(s3Bytes)} uploaded (what left the media worker the episode claimed: episode.mp4); air worker ${mb(airBytes)} downloaded in ${result.airFetchSec.toFixed(2)} s`);
    return result;
  } finally {
    for (const st of stores) st.close();
    await t.stop();
    await sw.cleanup();
  }
}
