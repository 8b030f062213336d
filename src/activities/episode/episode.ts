// The episode's activities: shot list, the three per-shot media steps, music, and the mux. Each one is
// idempotent: it reuses its output when a valid one is already in the episode folder.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import fs from 'node:fs';
import path from 'node:path';
import type { BackendSpec, EpisodeManifest, MediaCapability, MediaResult, ShotList, WriterSpec } from '../../shared/types';
import type { BackendContext, BackendRegistry } from '../backends/backends';
import { appendActivityLog, produceMedia, type Produced } from './artifacts';
import { releaseInputs } from './intermediates';
import { writeFileAtomic } from '../../store/atomicFile';
import { videoSec } from '../media/ffmpeg';
import { hashOf } from '../media/hashOf';
import { OFFLINE_OUTPUT_EXT } from '../backends/offline/render';
import { episodeDir, episodeKey, episodesDir, type EpisodeId } from './paths';
import { writeOfflineShotList } from '../backends/shotlist/offline';
import { writeOpenAIShotList } from '../backends/shotlist/openai';
import { muxEpisodeFiles, type MuxRequest } from '../media/mux';
import { storeOf, type ActivityDeps } from '../deps';
import type { FileRef } from '../../shared/fileRef';
import { storeWaits, throughOutage } from '../../store/outage';

export interface ShotListRequest extends EpisodeId { theme: string; shots: number; seed: number; writer: WriterSpec }
/**
 * `keepLocal`: the step runs on the media worker the episode claimed, and so does the step that takes its
 * output: with a shared store, the file stays on this worker's disk instead of going in the store.
 */
export interface ShotStepRequest extends EpisodeId { shot: number; prompt: string; seed: number; backend: BackendSpec; keepLocal?: boolean }
/**
 * `input`, in a shared store: the previous step's output by ref, fetched when `inPath` is not on this
 * machine. `inputSec`, `inputSize`: its video's length and frame size (MediaResult.videoSec, videoSize).
 */
export interface ShotInputRequest extends ShotStepRequest { inPath: string; input?: FileRef; inputSec?: number; inputSize?: { width: number; height: number } }
export interface MusicStepRequest extends EpisodeId { description: string; durationSec: number; seed: number; backend: BackendSpec; keepLocal?: boolean }

const specTag = (spec: BackendSpec) => hashOf(JSON.stringify(spec)).toString('hex').slice(0, 6);
const tag = (...parts: (string | number)[]) => hashOf(...parts).toString('hex').slice(0, 10);
const shotName = (shot: number, stage: string, key: string, ext = 'mp4') => `shot-${String(shot + 1).padStart(2, '0')}.${stage}.${key}.${ext}`;

/** With a shared store: how many of a channel's latest episode folders a worker keeps on its own disk. */
export const LOCAL_EPISODES_KEPT = 8;

export function createEpisodeActivities(deps: ActivityDeps) {
  const dirOf = (r: EpisodeId) => episodeDir(deps.dataDir, r.channel, r.episode);

  function backendFor<C extends MediaCapability>(cap: C, spec: BackendSpec) {
    const impl = deps.backends[spec.kind]?.[cap];
    if (!impl) {
      const known = Object.keys(deps.backends).filter((k) => deps.backends[k][cap]);
      throw ApplicationFailure.nonRetryable(
        `no "${spec.kind}" backend for ${cap} on this worker (known: ${known.join(', ')}); fix backends.${cap}.kind in the channel configuration`,
        'UnknownBackend',
      );
    }
    return impl as NonNullable<BackendRegistry[string][C]>;
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

  return {
    /**
     * An episode asks, on the shared media queue, which media worker takes it: the one whose poll answers.
     * With a shared store (`pin`), every media step of the episode then goes to that worker's own queue,
     * so the files between steps stay on its disk (src/workflows/episode.ts); with a directory store the
     * files are already where every worker sees them, and the steps stay on the shared queue.
     */
    async claimMediaWorker(): Promise<{ queue: string; pin: boolean }> {
      if (!deps.media) throw ApplicationFailure.nonRetryable('this worker runs no media role: claimMediaWorker runs on the media queue only', 'NotAMediaWorker');
      return { queue: deps.media.queue, pin: shared };
    },

    async writeShotList(req: ShotListRequest): Promise<ShotList> {
      const dir = dirOf(req);
      const file = path.join(dir, 'shotlist.json');
      const key = tag(req.theme, req.shots, req.seed, JSON.stringify(req.writer));
      const attempt = Context.current().info.attempt;
      if (fs.existsSync(file)) {
        const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (saved.key === key) {
          appendActivityLog(dir, { step: 'writeShotList', backend: req.writer.kind, attempt, outcome: 'reused' });
          return { prompts: saved.prompts, mood: saved.mood, writer: req.writer.kind, attempt };
        }
      }
      let list: { prompts: string[]; mood: string };
      if (req.writer.kind === 'openai') {
        if (!deps.openai) {
          throw ApplicationFailure.nonRetryable('the openai writer is not configured on this worker: set OPENAI_MODEL (and OPENAI_API_KEY, OPENAI_BASE_URL for other servers)', 'WriterNotConfigured');
        }
        const settings = { ...deps.openai, model: req.writer.model ?? deps.openai.model };
        Context.current().heartbeat({ stage: 'asking the model', model: settings.model });
        list = await writeOpenAIShotList(settings, req.theme, req.shots, req.seed, Context.current().cancellationSignal);
      } else {
        list = writeOfflineShotList(req.theme, req.shots, req.seed);
      }
      fs.mkdirSync(dir, { recursive: true });
      await writeFileAtomic(file, JSON.stringify({ key, writer: req.writer, ...list }, null, 2));
      appendActivityLog(dir, { step: 'writeShotList', backend: req.writer.kind, attempt, outcome: 'made' });
      return { ...list, writer: req.writer.kind, attempt };
    },

    async generateShot(req: ShotStepRequest): Promise<MediaResult> {
      const make = backendFor('video', req.backend);
      const p = await produceMedia({
        dir: dirOf(req), kind: 'video', step: 'generateShot', shot: req.shot, backend: req.backend.kind, compactOutput: shared && !staysHere(req),
        name: shotName(req.shot, 'generated', tag(req.prompt, req.seed, specTag(req.backend)), req.backend.kind === 'offline' ? OFFLINE_OUTPUT_EXT.video : 'mp4'),
        make: (outPath: string, ctx: BackendContext) => make(req.backend, { prompt: req.prompt, seed: req.seed, outPath }, ctx),
      });
      return result(req, p, req.backend);
    },

    async upscaleShot(req: ShotInputRequest): Promise<MediaResult> {
      const make = backendFor('upscale', req.backend);
      const p = await produceMedia({
        dir: dirOf(req), kind: 'video', step: 'upscaleShot', shot: req.shot, backend: req.backend.kind, compactOutput: shared && !staysHere(req),
        name: shotName(req.shot, 'upscaled', tag(path.basename(req.inPath), req.prompt, req.seed, specTag(req.backend)), req.backend.kind === 'offline' ? OFFLINE_OUTPUT_EXT.upscale : 'mp4'),
        make: async (outPath, ctx) => make(req.backend, { prompt: req.prompt, seed: req.seed, inPath: await local(req.inPath, req.input), outPath, inSec: req.inputSec }, ctx),
      });
      const r = await result(req, p, req.backend);
      await releaseInputs(dirOf(req), [req.inPath]);
      return r;
    },

    async interpolateShot(req: ShotInputRequest & { fps: number }): Promise<MediaResult> {
      const make = backendFor('interpolate', req.backend);
      const p = await produceMedia({
        dir: dirOf(req), kind: 'video', step: 'interpolateShot', shot: req.shot, backend: req.backend.kind, compactOutput: shared && !staysHere(req),
        // The offline renderers write raw lossless intermediates (backends/offline/render.ts).
        name: shotName(req.shot, 'interpolated', tag(path.basename(req.inPath), req.fps, specTag(req.backend)), req.backend.kind === 'offline' ? OFFLINE_OUTPUT_EXT.interpolate : 'mp4'),
        make: async (outPath, ctx) => make(req.backend, { inPath: await local(req.inPath, req.input), outPath, fps: req.fps, inSec: req.inputSec, inSize: req.inputSize }, ctx),
      });
      const r = await result(req, p, req.backend);
      await releaseInputs(dirOf(req), [req.inPath]);
      return r;
    },

    async composeMusic(req: MusicStepRequest): Promise<MediaResult> {
      const make = backendFor('music', req.backend);
      const p = await produceMedia({
        dir: dirOf(req), kind: 'audio', step: 'composeMusic', backend: req.backend.kind,
        name: `music.${tag(req.description, req.durationSec.toFixed(3), req.seed, specTag(req.backend))}.wav`,
        make: (outPath, ctx) => make(req.backend, { description: req.description, durationSec: req.durationSec, seed: req.seed, outPath }, ctx),
      });
      return result(req, p, req.backend);
    },

    async muxEpisode(req: MuxRequest): Promise<EpisodeManifest> {
      const dir = dirOf(req);
      const here = {
        ...req,
        shots: await Promise.all(req.shots.map(async (s) => ({ ...s, interpolated: await local(s.interpolated, s.interpolatedFile) }))),
        music: { ...req.music, path: await local(req.music.path, req.music.file) },
      };
      const manifest = await muxEpisodeFiles(dir, here, Context.current(), store);
      await releaseInputs(dir, [...req.shots.map((s) => s.interpolated), req.music.path]);
      return manifest;
    },
  };
}
