// A directed episode's own activities: the screenplay, each line's voice, each sound effect, and the mix of
// dialogue, music and effects. Like the shot steps (episode.ts), each reuses a valid output already in the
// episode folder, and a step's output stays on the claimed media worker or goes in the shared store.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import fs from 'node:fs';
import path from 'node:path';
import type { BackendSpec, MediaResult, WriterSpec } from '../../shared/types';
import type { Screenplay, SfxKind, Show, StoryEntry } from '../../shared/show';
import { UNKNOWN_VOICE } from '../backends/backends';
import { appendActivityLog, produceMedia } from './artifacts';
import { writeFileAtomic } from '../../store/atomicFile';
import { hashOf } from '../media/hashOf';
import { channelDir, type EpisodeId } from './paths';
import type { ActivityDeps } from '../deps';
import type { FileRef } from '../../shared/fileRef';
import { episodeSteps } from './steps';
import { releaseInputs } from './intermediates';
import { writeOfflineScreenplay } from '../backends/screenplay/offline';
import { writeOpenAIScreenplay } from '../backends/screenplay/openai';
import { mixEpisodeAudio } from '../media/mix';
import { failureMessage } from '../../shared/failureMessage';

export const SCREENPLAY_FILE = 'screenplay.json';

export interface ScreenplayStepRequest extends EpisodeId {
  show: Show;
  theme?: string;
  storySoFar: StoryEntry[];
  seed: number;
  lengthSec: { min: number; max: number };
  writer: WriterSpec;
}

export interface WrittenScreenplay {
  screenplay: Screenplay;
  /** Who wrote it: 'openai' or 'offline'. */
  writer: string;
  /** The model's first answer was sent back once with its errors. */
  repaired?: boolean;
  /** Why the offline director wrote it instead of the model. */
  fallback?: string;
  attempt: number;
}

export interface VoiceLineRequest extends EpisodeId {
  line: number;
  text: string;
  speaker: string;
  /** The speaker's index in the show; -1: the narrator. */
  character: number;
  voice?: string;
  seed: number;
  backend: BackendSpec;
  keepLocal?: boolean;
}

export interface VoicedLine extends MediaResult {
  /** The voice the line was said in: the character's, or the backend's default after a refusal. */
  voice: string;
  /** Set when the character's voice was unknown to the backend: why, and that the default said it. */
  fellBack?: string;
}

export interface SoundEffectRequest extends EpisodeId { cue: number; text: string; kind: SfxKind; durationSec: number; seed: number; backend: BackendSpec; keepLocal?: boolean }

/** A file an earlier step made: where it was written and, with a shared store, its ref. */
export interface StepFile { path: string; file?: FileRef }
export interface MixStepRequest extends EpisodeId {
  totalSec: number;
  lines: (StepFile & { start: number; end: number })[];
  cues: (StepFile & { at: number; seconds: number })[];
  music: (StepFile & { start: number; end: number })[];
  keepLocal?: boolean;
}

const tag = (...parts: (string | number)[]) => hashOf(...parts).toString('hex').slice(0, 10);
const two = (n: number) => String(n + 1).padStart(2, '0');

export function createDirectedActivities(deps: ActivityDeps) {
  const { dirOf, backendFor, result, local } = episodeSteps(deps);

  return {
    /**
     * The screenplay: by the OpenAI-compatible director (one structured-output call, sent back once with
     * its errors), or by the offline director, which also takes over, on record, when the model's second
     * answer still breaks the schema or the rules. Kept as screenplay.json beside the episode.
     */
    async writeScreenplay(req: ScreenplayStepRequest): Promise<WrittenScreenplay> {
      const dir = dirOf(req);
      const file = path.join(dir, SCREENPLAY_FILE);
      const key = tag(JSON.stringify(req.show), req.theme ?? '', JSON.stringify(req.storySoFar), req.seed, JSON.stringify(req.lengthSec), JSON.stringify(req.writer));
      const attempt = Context.current().info.attempt;
      if (fs.existsSync(file)) {
        const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (saved.key === key) {
          appendActivityLog(dir, { step: 'writeScreenplay', backend: saved.writer, attempt, outcome: 'reused' });
          return { screenplay: saved.screenplay, writer: saved.writer, ...(saved.repaired ? { repaired: true } : {}), ...(saved.fallback ? { fallback: saved.fallback } : {}), attempt };
        }
      }
      const request = { show: req.show, ...(req.theme ? { theme: req.theme } : {}), storySoFar: req.storySoFar, seed: req.seed, lengthSec: req.lengthSec, episode: req.episode };
      let written: Omit<WrittenScreenplay, 'attempt'>;
      if (req.writer.kind === 'openai') {
        if (!deps.openai) {
          throw ApplicationFailure.nonRetryable('the openai director is not configured on this worker: set OPENAI_MODEL (and OPENAI_API_KEY, OPENAI_BASE_URL for other servers)', 'WriterNotConfigured');
        }
        const settings = { ...deps.openai, model: req.writer.model ?? deps.openai.model };
        Context.current().heartbeat({ stage: 'asking the model', model: settings.model });
        try {
          const r = await writeOpenAIScreenplay(settings, request, Context.current().cancellationSignal);
          written = { screenplay: r.screenplay, writer: 'openai', ...(r.repaired ? { repaired: true } : {}) };
        } catch (err) {
          if (!(err instanceof ApplicationFailure && err.type === 'InvalidScreenplay')) throw err;
          written = { screenplay: writeOfflineScreenplay(request), writer: 'offline', repaired: true, fallback: failureMessage(err, 500) };
        }
      } else {
        written = { screenplay: writeOfflineScreenplay(request), writer: 'offline' };
      }
      fs.mkdirSync(dir, { recursive: true });
      await writeFileAtomic(file, JSON.stringify({ key, ...written }, null, 2));
      appendActivityLog(dir, { step: 'writeScreenplay', backend: written.writer, attempt, outcome: 'made' });
      return { ...written, attempt };
    },

    /**
     * One line, voiced. A character's voice the backend does not have is no reason to lose the line: it is
     * said again in the backend's default voice, and the result says so (the manifest records it).
     */
    async voiceLine(req: VoiceLineRequest): Promise<VoicedLine> {
      const make = backendFor('voice', req.backend);
      const cacheDir = path.join(channelDir(deps.dataDir, req.channel), 'voices');
      fs.mkdirSync(cacheDir, { recursive: true });
      const say = (voice: string | undefined) => produceMedia({
        dir: dirOf(req), kind: 'audio', step: 'voiceLine', line: req.line, backend: req.backend.kind,
        name: `line-${two(req.line)}.voice.${tag(req.text, req.speaker, req.character, voice ?? '', req.seed, JSON.stringify(req.backend))}.wav`,
        make: (outPath, ctx) => make(req.backend, {
          text: req.text, speaker: req.speaker, character: req.character, seed: req.seed, outPath, cacheDir, ...(voice ? { voice } : {}),
        }, ctx),
      });
      const label = (voice: string | undefined) => voice ?? (req.character < 0 ? 'narrator (default)' : `character ${req.character + 1} (default)`);
      try {
        const p = await say(req.voice);
        return { ...(await result(req, p, req.backend)), voice: label(req.voice) };
      } catch (err) {
        if (!(req.voice && err instanceof ApplicationFailure && err.type === UNKNOWN_VOICE)) throw err;
        const p = await say(undefined);
        return { ...(await result(req, p, req.backend)), voice: label(undefined), fellBack: failureMessage(err, 300) };
      }
    },

    async makeSoundEffect(req: SoundEffectRequest): Promise<MediaResult> {
      const make = backendFor('sfx', req.backend);
      const p = await produceMedia({
        dir: dirOf(req), kind: 'audio', step: 'makeSoundEffect', cue: req.cue, backend: req.backend.kind,
        name: `cue-${two(req.cue)}.sfx.${tag(req.text, req.kind, req.durationSec.toFixed(3), req.seed, JSON.stringify(req.backend))}.wav`,
        make: (outPath, ctx) => make(req.backend, { text: req.text, kind: req.kind, durationSec: req.durationSec, seed: req.seed, outPath }, ctx),
      });
      return result(req, p, req.backend);
    },

    /** Dialogue on top, the scenes' music crossfaded and ducked under it, the effects at their cues (media/mix.ts). */
    async mixEpisodeAudio(req: MixStepRequest): Promise<MediaResult> {
      const here = async <T extends StepFile>(x: T) => ({ ...x, path: await local(x.path, x.file) });
      const key = tag(JSON.stringify([req.totalSec, req.lines, req.cues, req.music].map((xs) => (Array.isArray(xs) ? xs.map((x) => ({ ...x, path: path.basename(x.path), file: undefined })) : xs))));
      const mixer: BackendSpec = { kind: 'ffmpeg' };
      const inputs: string[] = [];
      const p = await produceMedia({
        dir: dirOf(req), kind: 'audio', step: 'mixEpisodeAudio', backend: 'ffmpeg',
        name: `mix.${key}.wav`,
        make: async (outPath, ctx) => {
          const [lines, cues, music] = await Promise.all([Promise.all(req.lines.map(here)), Promise.all(req.cues.map(here)), Promise.all(req.music.map(here))]);
          inputs.push(...[...lines, ...cues, ...music].map((x) => x.path));
          await mixEpisodeAudio({ totalSec: req.totalSec, lines, cues, music }, outPath, {
            signal: ctx.signal,
            onProgress: (pr: { fraction?: number; outSec?: number }) => ctx.heartbeat({ stage: 'mix', fraction: pr.fraction, outSec: pr.outSec }),
          });
        },
      });
      const r = await result(req, p, mixer);
      // The voices, effects and music are in the mix now (intermediates.ts; a retry reuses the mix).
      await releaseInputs(dirOf(req), inputs);
      return r;
    },
  };
}
