// What every media step of an episode shares: its folder, the backend it calls, its input fetched when it
// is not on this machine, and its result stored (or kept on this worker) for the next step. The shot
// steps (episode.ts) and the directed episode's sound steps (directed.ts) are built on it.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import fs from 'node:fs';
import path from 'node:path';
import type { BackendSpec, MediaResult } from '../../shared/types';
import type { MediaBackends } from '../backends/backends';
import { appendActivityLog, type Produced } from './artifacts';
import { videoSec } from '../media/ffmpeg';
import { episodeDir, episodeKey, episodesDir, type EpisodeId } from './paths';
import { storeOf, type ActivityDeps } from '../deps';
import type { FileRef } from '../../shared/fileRef';
import { storeWaits, throughOutage } from '../../store/outage';

/** With a shared store: how many of a channel's latest episode folders a worker keeps on its own disk. */
export const LOCAL_EPISODES_KEPT = 8;

export type EpisodeSteps = ReturnType<typeof episodeSteps>;

export function episodeSteps(deps: ActivityDeps) {
  const dirOf = (r: EpisodeId) => episodeDir(deps.dataDir, r.channel, r.episode);

  function backendFor<C extends keyof MediaBackends>(cap: C, spec: BackendSpec) {
    const impl = deps.backends[spec.kind]?.[cap];
    if (!impl) {
      const known = Object.keys(deps.backends).filter((k) => deps.backends[k][cap]);
      throw ApplicationFailure.nonRetryable(
        `no "${spec.kind}" backend for ${cap} on this worker (known: ${known.join(', ')}); fix backends.${cap}.kind in the channel configuration`,
        'UnknownBackend',
      );
    }
    return impl as MediaBackends[C];
  }

  const store = storeOf(deps);
  // A directory store is this machine's data directory: the steps' files are already there, so they are
  // neither copied nor hashed. An S3 store is shared by machines: each step's output goes in it, and the
  // next step, wherever it runs, fetches what it does not have.
  const shared = store.kind === 's3';

  /** This step's output stays on this worker: the next step is sent to it too (claimMediaWorker). */
  const staysHere = (req: { keepLocal?: boolean }) => shared && !!req.keepLocal && Context.current().info.taskQueue === deps.media?.queue;

  async function result(req: EpisodeId & { keepLocal?: boolean }, p: Produced, spec: BackendSpec): Promise<MediaResult> {
    const r: MediaResult = {
      path: p.path, backend: spec.kind, attempt: p.attempt, reused: p.reused, durationSec: p.probe.durationSec,
      ...(p.probe.video ? { videoSec: videoSec(p.probe), videoSize: { width: p.probe.video.width, height: p.probe.video.height } } : {}),
    };
    if (!shared) return r;
    if (staysHere(req)) {
      await pruneLocalEpisodes(req);
      return r;
    }
    const ctx = Context.current();
    ctx.heartbeat({ stage: 'storing', store: store.location });
    const key = episodeKey(req.channel, req.episode, path.basename(p.path));
    const { reused, ...file } = await throughOutage(`put ${key}`, () => store.put(key, p.path, { signal: ctx.cancellationSignal }), storeWaits(ctx));
    appendActivityLog(dirOf(req), { step: 'store', backend: store.kind, attempt: p.attempt, outcome: reused ? 'reused' : 'made' });
    await pruneLocalEpisodes(req);
    return { ...r, file };
  }

  /**
   * With a shared store this worker's episode folders are scratch space: the store has every file, and the
   * air host's retention removes them there. Keep the folders of the last few episodes (a retried step
   * reuses what is here) and drop older ones, so a worker that runs for weeks does not fill its disk.
   */
  async function pruneLocalEpisodes(req: EpisodeId): Promise<void> {
    const episodes = episodesDir(deps.dataDir, req.channel);
    for (const name of await fs.promises.readdir(episodes).catch(() => [] as string[])) {
      const n = Number(name);
      if (/^\d+$/.test(name) && n <= req.episode - LOCAL_EPISODES_KEPT) await fs.promises.rm(path.join(episodes, name), { recursive: true, force: true });
    }
  }

  /**
   * The input on this machine: where the previous step wrote it if that was this worker (in its own data
   * directory), else fetched from the store — also when another worker's folder happens to be visible here.
   */
  const dataDir = path.resolve(deps.dataDir) + path.sep;
  async function local(inPath: string, ref: FileRef | undefined): Promise<string> {
    const mine = path.resolve(inPath).startsWith(dataDir) && fs.existsSync(inPath) && fs.statSync(inPath).size === ref?.size;
    if (!ref || mine) return inPath;
    const ctx = Context.current();
    ctx.heartbeat({ stage: 'fetching the input', key: ref.key });
    return throughOutage(`fetch ${ref.key}`, () => store.fetch(ref, { signal: ctx.cancellationSignal }), storeWaits(ctx));
  }

  return { dirOf, backendFor, store, shared, staysHere, result, local };
}
