// The small interface every media backend implements, one per capability, and the registry the
// activities pick from. An activity never knows which backend it called: it passes a request with the
// path to write and validates what lands there.
import type { BackendSpec, MediaCapability } from '../../shared/types';
import type { SfxKind } from '../../shared/show';
import type { ProbeResult } from '../media/ffmpeg';

/** What a backend gets from the activity that runs it. */
export interface BackendContext {
  /** Aborted when Temporal cancels the activity or its deadline passes: stop work and clean up. */
  signal: AbortSignal;
  /** Report progress; shown on the pending activity in the Temporal Web UI. */
  heartbeat(details?: Record<string, unknown>): void;
  /** A private scratch folder for this attempt (inside the episode folder). */
  scratchDir: string;
  /**
   * The output goes to a shared store (S3), so its bytes travel: a renderer with a choice writes fewer
   * bytes at some CPU (backends/offline/render.ts). Unset: the output stays on this machine.
   */
  compactOutput?: boolean;
}

/** `durationSec`: the shot's final length (a directed episode's timeline); absent: the model's usual clip (3 s). */
export interface GenerateRequest { prompt: string; seed: number; outPath: string; durationSec?: number }
/**
 * `inSec`, `inSize`: the input video's length and frame size when the caller knows them (the previous
 * step's check found them): a backend that needs them reads them here instead of probing the input.
 */
export interface UpscaleRequest { prompt: string; seed: number; inPath: string; outPath: string; inSec?: number }
export interface InterpolateRequest { inPath: string; outPath: string; fps: number; inSec?: number; inSize?: { width: number; height: number } }
export interface MusicRequest { description: string; durationSec: number; seed: number; outPath: string }
/**
 * One line of a directed episode, written as audio (WAV). `character`: the speaker's index in the show
 * (-1: the narrator), so a backend gives each a distinct voice when `voice` is absent. `voice`: the show's
 * voice name for the character; a backend that does not know it throws ApplicationFailure type
 * UNKNOWN_VOICE (the activity says the line again in the default voice, on record). `cacheDir`: a folder
 * kept across the show's episodes, for what a backend makes once per character (a reference clip).
 */
export interface VoiceRequest { text: string; speaker: string; character: number; voice?: string; seed: number; outPath: string; cacheDir: string }
/** A sound effect (WAV) about `durationSec` long; `kind` picks the offline synthesiser's recipe. */
export interface SfxRequest { text: string; kind: SfxKind; durationSec: number; seed: number; outPath: string }
/** The error type a voice backend throws for a voice it does not have. */
export const UNKNOWN_VOICE = 'UnknownVoice';

/**
 * What a backend wrote, when it already knows (a ProbeResult): the offline renderers from ffmpeg's own
 * report of the frames it wrote at the size and rate they set, a Gradio call from the probe its download
 * ran. The activity checks that description instead of starting ffprobe again (~0.13 CPU-s of the machine
 * a start, its ~200 libraries: bench/stages.ts; 10 per offline episode). `void`: the activity probes the file.
 */
export type Written = ProbeResult | void;

/**
 * A backend writes its result to `outPath` (a temporary name the activity then validates and renames
 * into place). It throws on failure; errors it marks non-retryable (ApplicationFailure) stop retries.
 */
export interface MediaBackends {
  video(spec: BackendSpec, req: GenerateRequest, ctx: BackendContext): Promise<Written>;
  upscale(spec: BackendSpec, req: UpscaleRequest, ctx: BackendContext): Promise<Written>;
  interpolate(spec: BackendSpec, req: InterpolateRequest, ctx: BackendContext): Promise<Written>;
  music(spec: BackendSpec, req: MusicRequest, ctx: BackendContext): Promise<Written>;
  voice(spec: BackendSpec, req: VoiceRequest, ctx: BackendContext): Promise<Written>;
  sfx(spec: BackendSpec, req: SfxRequest, ctx: BackendContext): Promise<Written>;
}

/** One backend kind: it may serve some or all capabilities. */
export type BackendImpl = Partial<MediaBackends>;

/** kind → implementation. 'offline' is always present. */
export type BackendRegistry = Record<string, BackendImpl>;

export type { BackendSpec, MediaCapability };
