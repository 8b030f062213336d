// The small interface every media backend implements, one per capability, and the registry the
// activities pick from. An activity never knows which backend it called: it passes a request with the
// path to write and validates what lands there.
import type { BackendSpec, MediaCapability } from '../../shared/types';

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

export interface GenerateRequest { prompt: string; seed: number; outPath: string }
export interface UpscaleRequest { prompt: string; seed: number; inPath: string; outPath: string }
/** `inSec`: the input video's length when the caller knows it (else the backend probes it). */
export interface InterpolateRequest { inPath: string; outPath: string; fps: number; inSec?: number }
export interface MusicRequest { description: string; durationSec: number; seed: number; outPath: string }

/**
 * A backend writes its result to `outPath` (a temporary name the activity then validates and renames
 * into place). It throws on failure; errors it marks non-retryable (ApplicationFailure) stop retries.
 */
export interface MediaBackends {
  video(spec: BackendSpec, req: GenerateRequest, ctx: BackendContext): Promise<void>;
  upscale(spec: BackendSpec, req: UpscaleRequest, ctx: BackendContext): Promise<void>;
  interpolate(spec: BackendSpec, req: InterpolateRequest, ctx: BackendContext): Promise<void>;
  music(spec: BackendSpec, req: MusicRequest, ctx: BackendContext): Promise<void>;
}

/** One backend kind: it may serve some or all capabilities. */
export type BackendImpl = Partial<MediaBackends>;

/** kind → implementation. 'offline' is always present. */
export type BackendRegistry = Record<string, BackendImpl>;

export type { BackendSpec, MediaCapability };
