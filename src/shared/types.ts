// Types shared by workflows, activities and clients. Pure: no Node imports (workflows bundle this file).
import type { FileRef } from './fileRef';
import type { Screenplay, Show, StoryEntry } from './show';
import type { EpisodePlan } from './timeline';

/** The media capabilities a backend can provide, in the order a shot goes through them. */
export type MediaCapability = 'video' | 'upscale' | 'interpolate' | 'music';

/**
 * Which backend serves a capability. `kind` names an entry of the worker's backend registry
 * ('offline' is always there; 'gradio' comes with the Gradio backends). The rest is that backend's
 * own, small, secret-free configuration (e.g. a Space id and endpoint), carried through the workflow.
 */
export interface BackendSpec {
  kind: string;
  [option: string]: unknown;
}

export interface WriterSpec {
  kind: 'offline' | 'openai';
  /** OpenAI-compatible model name; default from OPENAI_MODEL. */
  model?: string;
}

export interface EpisodeBackends {
  writer: WriterSpec;
  video: BackendSpec;
  upscale: BackendSpec;
  interpolate: BackendSpec;
  music: BackendSpec;
  /** Directed episodes only: the characters' lines (default offline: espeak-ng). */
  voice?: BackendSpec;
  /** Directed episodes only: sound effects at their cues (default offline: ffmpeg-synthesised). */
  sfx?: BackendSpec;
}

/** The sound capabilities of a directed episode (src/shared/show.ts); their backends default to offline. */
export type SoundCapability = 'voice' | 'sfx';

export interface EpisodeInput {
  channel: string;
  episode: number;
  theme: string;
  shots: number;
  seed: number;
  backends: EpisodeBackends;
  /** How many shots are made at once (default: all; the media workers' slots bound what runs). */
  parallelShots?: number;
  /**
   * With a shared store: how long a media step waits for the media worker the episode claimed before the
   * episode's media is made again on another (default 300 s; a busy worker's queue must not trip it).
   */
  mediaWorkerWaitSec?: number;
  /**
   * Task queue for the remote steps (model calls, the OpenAI-compatible writer, moderation). Default: the
   * remote role's queue, `<base>-remote` (src/shared/taskQueues.ts); name another to give this channel's
   * model calls workers of their own.
   */
  remoteTaskQueue?: string;
  /**
   * The channel's last accepted theme: a shot prompt that is still rejected after one rewrite is replaced
   * by a safe prompt made from it (default: this episode's theme). See docs/moderation.md.
   */
  safeTheme?: string;
  /** A show: the episode is directed (a screenplay, voices, effects, a mix and subtitles). Absent: a theme's shots. */
  show?: Show;
  /** The show's story so far, oldest first: the writer continues it. */
  storySoFar?: StoryEntry[];
  /** A directed episode's length range in seconds (default 30–45; within 20–90). */
  lengthSec?: { min: number; max: number };
}

/** What moderation did in one episode, as its manifest records it. Rejected texts are never kept, only their hash. */
export interface EpisodeModeration {
  /** Texts checked: the theme, each shot prompt (and each replacement), the music description. */
  checked: number;
  /** Texts refused among them. */
  rejected: number;
  /** Texts passed on the local rules only because the moderation endpoint was down. */
  warnings: string[];
  replaced: {
    /** title, summary, line, cue: a directed episode's screenplay (a refused line or cue is left out). */
    what: 'shot' | 'music' | 'title' | 'summary' | 'line' | 'cue';
    line?: number;
    cue?: number;
    shot?: number;
    /** rewrite: the writer's second try passed; safe: a prompt made from the safe theme; default: from the default theme. */
    by: 'rewrite' | 'safe' | 'default';
    categories: string[];
    textHash: string;
  }[];
}

/** A step's outcome as recorded in the manifest. */
export interface StepRecord {
  step: 'writeShotList' | 'generateShot' | 'upscaleShot' | 'interpolateShot' | 'composeMusic' | 'muxEpisode'
    | 'writeScreenplay' | 'voiceLine' | 'makeSoundEffect' | 'mixEpisodeAudio';
  /** voiceLine: the line; makeSoundEffect: the cue; composeMusic in a directed episode: the music segment. */
  line?: number;
  cue?: number;
  segment?: number;
  shot?: number;
  backend: string;
  attempts: number;
  /** True when this step's output was already on disk and was reused. */
  reused?: boolean;
  /** Set when the configured backend gave up and a fallback made the output. */
  degraded?: { from: string; reason: string };
}

/** One step of a shot as a model server recorded it in the clip's comment tag (model-server/endpoints.py). */
export interface ShotStepMaking {
  scheduler?: string;
  steps?: number;
  guidance?: number;
  negative_prompt?: string;
  seed?: number;
  strength?: number;
  interpolator?: string;
  fps?: number;
}

/** What made a shot, per step ("run", "upscale", "interpolate"), as read from its final clip. */
export type ShotMaking = Record<string, ShotStepMaking>;

export interface ShotManifest {
  index: number;
  prompt: string;
  seed: number;
  durationSec: number;
  files: { generated: string; upscaled: string; interpolated: string };
  /** Scheduler, steps and guidance per step, when a model server wrote them; absent otherwise and in older manifests. */
  made?: ShotMaking;
}

export interface EpisodeManifest {
  channel: string;
  episode: number;
  workflowId: string;
  theme: string;
  seed: number;
  mood: string;
  shots: ShotManifest[];
  music: { file: string; description: string; durationSec: number };
  steps: StepRecord[];
  degraded: boolean;
  /** Absent in episodes made before moderation existed. */
  moderation?: EpisodeModeration;
  /** A directed episode: its screenplay, where everything sits, and what made each line. */
  directed?: DirectedManifest;
  /** Subtitles beside episode.mp4 (directed episodes). */
  subtitlesPath?: string;
  durationSec: number;
  /** Absolute path of the finished episode, on the worker that made it. */
  episodePath: string;
  /** The finished episode in the store (absent in episodes made before the store existed). */
  episodeFile?: FileRef;
  manifestPath: string;
  episodeDir: string;
  createdAt: string;
}

/** What a directed episode's manifest adds. */
export interface DirectedManifest {
  title: string;
  summary: string;
  /** Who wrote the screenplay: 'openai', 'offline', or 'offline' after the model's answer failed (`fallback`). */
  writer: string;
  /** The model's answer was sent back once with its errors. */
  repaired?: boolean;
  /** Why the offline director wrote it instead of the configured one. */
  fallback?: string;
  screenplay: Screenplay;
  plan: EpisodePlan;
  /** Per line: the voice that spoke it and, when the character's own voice was refused, why. */
  voices: { line: number; speaker: string; voice: string; backend: string; fellBack?: string }[];
}

/** What every media activity returns: a path and who made it. */
export interface MediaResult {
  /** Where the worker that made it wrote it. */
  path: string;
  /** In a shared (S3) store: its key, size and sha256, so a worker on another machine can fetch it. */
  file?: FileRef;
  backend: string;
  attempt: number;
  reused: boolean;
  durationSec: number;
  /**
   * The video's own length, as the step's check probed it (the stream's duration, else the file's): the
   * next step and the mux take it instead of starting ffprobe again. Absent in older histories.
   */
  videoSec?: number;
  /** The video's frame size, as the step's check found it: the next step takes it with videoSec. */
  videoSize?: { width: number; height: number };
}

export interface ShotList {
  prompts: string[];
  mood: string;
  writer: string;
  attempt: number;
}

export const BROADCAST = {
  width: 1024,
  height: 576,
  fps: 24,
  pixFmt: 'yuv420p',
  audioRate: 44100,
  audioChannels: 2,
  /** Every aired file is streamed as it is (stream copy): its video is capped for viewers' links. */
  videoMaxKbps: 2000,
  /** One GOP (2 s) of buffer: the rate holds over any 2-s window a player fetches. */
  videoBufferKbit: 4000,
  /** A keyframe every 2 s, fixed, so players join fast and HLS cuts 2-s segments. */
  gopSeconds: 2,
} as const;

export const SHOT = {
  width: 576,
  height: 320,
  fps: 8,
  frames: 24,
} as const;

export const SHOT_SECONDS = SHOT.frames / SHOT.fps;
