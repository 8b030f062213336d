// The episode's activities: shot list, the three per-shot media steps, music, and the mux. Each one is
// idempotent: it reuses its output when a valid one is already in the episode folder.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import fs from 'node:fs';
import path from 'node:path';
import type { BackendSpec, EpisodeManifest, MediaResult, ShotList, WriterSpec } from '../../shared/types';
import type { BackendContext } from '../backends/backends';
import { appendActivityLog, produceMedia } from './artifacts';
import { releaseInputs } from './intermediates';
import { writeFileAtomic } from '../../store/atomicFile';
import { hashOf } from '../media/hashOf';
import { OFFLINE_OUTPUT_EXT } from '../backends/offline/render';
import type { EpisodeId } from './paths';
import { writeOfflineShotList } from '../backends/shotlist/offline';
import { writeOpenAIShotList } from '../backends/shotlist/openai';
import { muxEpisodeFiles, type MuxRequest } from '../media/mux';
import type { ActivityDeps } from '../deps';
import type { FileRef } from '../../shared/fileRef';

export interface ShotListRequest extends EpisodeId { theme: string; shots: number; seed: number; writer: WriterSpec }
/**
 * `keepLocal`: the step runs on the media worker the episode claimed, and so does the step that takes its
 * output: with a shared store, the file stays on this worker's disk instead of going in the store.
 */
export interface ShotStepRequest extends EpisodeId { shot: number; prompt: string; seed: number; backend: BackendSpec; keepLocal?: boolean; durationSec?: number }
/**
 * `input`, in a shared store: the previous step's output by ref, fetched when `inPath` is not on this
 * machine. `inputSec`, `inputSize`: its video's length and frame size (MediaResult.videoSec, videoSize).
 */
export interface ShotInputRequest extends ShotStepRequest { inPath: string; input?: FileRef; inputSec?: number; inputSize?: { width: number; height: number } }
export interface MusicStepRequest extends EpisodeId { description: string; durationSec: number; seed: number; backend: BackendSpec; keepLocal?: boolean }

const specTag = (spec: BackendSpec) => hashOf(JSON.stringify(spec)).toString('hex').slice(0, 6);
const tag = (...parts: (string | number)[]) => hashOf(...parts).toString('hex').slice(0, 10);
const shotName = (shot: number, stage: string, key: string, ext = 'mp4') => `shot-${String(shot + 1).padStart(2, '0')}.${stage}.${key}.${ext}`;

import { episodeSteps } from './steps';
export { LOCAL_EPISODES_KEPT } from './steps';

export function createEpisodeActivities(deps: ActivityDeps) {
  const { dirOf, backendFor, store, shared, staysHere, result, local } = episodeSteps(deps);

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
        // A directed shot's length is in its name; a theme's shots keep the names they always had.
        name: shotName(req.shot, 'generated', tag(req.prompt, req.seed, specTag(req.backend), ...(req.durationSec ? [req.durationSec.toFixed(3)] : [])), req.backend.kind === 'offline' ? OFFLINE_OUTPUT_EXT.video : 'mp4'),
        make: (outPath: string, ctx: BackendContext) => make(req.backend, { prompt: req.prompt, seed: req.seed, outPath, ...(req.durationSec ? { durationSec: req.durationSec } : {}) }, ctx),
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
