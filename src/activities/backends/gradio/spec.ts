// What a channel's configuration says about one Gradio-backed capability: which app, which endpoint,
// how our request maps onto the endpoint's parameters, and how long we wait. Validated here, once,
// with messages an operator can act on.
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { BackendSpec, MediaCapability } from '../backends';
import type { SoundCapability } from '../../../shared/types';

/** What a Gradio app can make: a shot's media, and a directed episode's lines and sound effects. */
export type GradioCapability = MediaCapability | SoundCapability;

/**
 * The values our call provides per capability; a params mapping refers to them as "$name". A voice line
 * also provides its character's reference clip (`reference_audio`, a WAV uploaded to the app) and the
 * words spoken in it (`reference_text`): an app whose params map `$reference_audio` gets them with every
 * line (voice.ts), and `$voice`, the show's voice name for the character, when its params map that.
 */
export const CALL_VALUES: Record<GradioCapability, readonly string[]> = {
  video: ['prompt', 'seed'],
  upscale: ['video', 'prompt', 'seed'],
  interpolate: ['video', 'fps'],
  music: ['description', 'duration', 'seed'],
  voice: ['text', 'seed', 'speaker', 'voice', 'reference_audio', 'reference_text'],
  sfx: ['text', 'duration', 'seed'],
};

/** The media kind each capability must return (checked with ffprobe). */
export const OUTPUT_KIND: Record<GradioCapability, 'video' | 'audio'> = {
  video: 'video', upscale: 'video', interpolate: 'video', music: 'audio', voice: 'audio', sfx: 'audio',
};

/**
 * Defaults follow the Spaces' signatures (Zeroscope v2 576w, Zeroscope v2 XL, FILM, MusicGen) and the
 * local fixture; our model server (model-server/app.py) answers to the same names. A duplicated or
 * self-hosted Space with other names only needs `endpoint` and `params`. Voices and sound effects have no
 * public Space to follow: their defaults are our model server's /speak (Dia, with the character's
 * reference clip as its audio prompt) and /sfx (AudioLDM 2), and a spec names the app that serves them.
 */
export const DEFAULT_CALLS: Record<GradioCapability, { endpoint: string; params: Record<string, unknown> }> = {
  video: { endpoint: '/run', params: { prompt: '$prompt', seed: '$seed', num_frames: 24, num_inference_steps: 25 } },
  upscale: { endpoint: '/upscale', params: { video: '$video', prompt: '$prompt', seed: '$seed', denoise_strength: 0.75 } },
  interpolate: { endpoint: '/interpolate', params: { video: '$video', interpolation_depth: 2, fps: '$fps' } },
  music: { endpoint: '/predict_full', params: { text: '$description', melody: null, duration: '$duration' } },
  voice: { endpoint: '/speak', params: { text: '$text', seed: '$seed', audio_prompt: '$reference_audio', audio_prompt_transcript: '$reference_text' } },
  sfx: { endpoint: '/sfx', params: { text: '$text', duration: '$duration', seed: '$seed' } },
};

export const gradioSpecSchema = z.strictObject({
  kind: z.literal('gradio'),
  app: z.string().min(1, 'app must name a Space ("owner/name") or a URL ("https://host/")').refine(
    (s) => /^https?:\/\/[^/]+/.test(s) || /^[\w.-]+\/[\w.-]+$/.test(s),
    'app must be a Space id like "owner/name" or an http(s) URL like "http://127.0.0.1:7860/"',
  ),
  endpoint: z.string().regex(/^\/\w+$/, 'endpoint must look like "/run" (the api_name, with its slash)').optional(),
  /** endpoint parameter name → "$value" (one of ours) or a literal; replaces the default mapping. */
  params: z.record(z.string(), z.unknown()).optional(),
  /** Which of the endpoint's outputs holds the file. */
  output: z.number().int().min(0).default(0),
  /** Our own deadline for one attempt, queue wait included. */
  deadlineSec: z.number().positive().max(24 * 3600).default(900),
  maxBytes: z.number().int().positive().default(512 * 1024 * 1024),
});

export interface GradioCall {
  capability: GradioCapability;
  app: string;
  endpoint: string;
  params: Record<string, unknown>;
  output: number;
  deadlineMs: number;
  maxBytes: number;
}

/** A one-line description of the first problem in a zod error, naming the field. */
export function describeIssue(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  const where = issue.path.length ? `${prefix}.${issue.path.join('.')}` : prefix;
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown option(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; allowed: ${Object.keys(gradioSpecSchema.shape).join(', ')}`;
  }
  return `${where}: ${issue.message}`;
}

/** Validates a spec for one capability; a bad config is non-retryable (retrying cannot fix it). */
export function parseGradioSpec(capability: GradioCapability, spec: BackendSpec): GradioCall {
  const parsed = gradioSpecSchema.safeParse(spec);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`Gradio config for ${capability} is invalid: ${describeIssue(parsed.error, `backends.${capability}`)}`, 'GradioConfigInvalid');
  }
  const s = parsed.data;
  const defaults = DEFAULT_CALLS[capability];
  const params = s.params ?? defaults.params;
  const allowed = CALL_VALUES[capability];
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && value.startsWith('$') && !value.startsWith('$$') && !allowed.includes(value.slice(1))) {
      throw ApplicationFailure.nonRetryable(
        `Gradio config for ${capability} is invalid: backends.${capability}.params.${name} refers to "${value}", but a ${capability} call provides only ${allowed.map((v) => `"$${v}"`).join(', ')} (write "$$" for a literal "$")`,
        'GradioConfigInvalid',
      );
    }
  }
  return {
    capability,
    app: s.app,
    endpoint: s.endpoint ?? defaults.endpoint,
    params,
    output: s.output,
    deadlineMs: s.deadlineSec * 1000,
    maxBytes: s.maxBytes,
  };
}

/** Replaces "$name" references by our call's values ("$$x" is the literal "$x"). */
export function resolveParams(params: Record<string, unknown>, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && value.startsWith('$$')) out[name] = value.slice(1);
    else if (typeof value === 'string' && value.startsWith('$')) out[name] = values[value.slice(1)];
    else out[name] = value;
  }
  return out;
}
