// The `backends` section of a channel's JSON config file: which backend serves each capability and,
// for Gradio, which app/endpoint/params. Read by the CLI (channel start, episode make, spaces check); the
// Gradio spec itself is the backend's (activities/backends/gradio/spec.ts).
import { z } from 'zod';
import type { MediaCapability } from '../activities/backends/backends';
import type { SoundCapability } from '../shared/types';
import { issueLine, showSchema, type Show } from '../shared/show';
import { readJsonFile } from '../config/showFile';
export { loadShowFile } from '../config/showFile';
import { gradioSpecSchema } from '../activities/backends/gradio/spec';

export const MEDIA_CAPABILITIES: readonly MediaCapability[] = ['video', 'upscale', 'interpolate', 'music'];
/** A directed episode's sound capabilities (src/shared/show.ts); left out, they are served offline. */
export const SOUND_CAPABILITIES: readonly SoundCapability[] = ['voice', 'sfx'];

export const mediaBackendSchema = z.discriminatedUnion('kind', [
  // `mode` matters to interpolation only: 'mci' (motion-compensated, default) or 'blend' (~10× faster).
  z.strictObject({ kind: z.literal('offline'), mode: z.enum(['mci', 'blend']).optional() }),
  gradioSpecSchema,
], { error: (iss) => (iss.code === 'invalid_union' ? 'kind must be "offline" or "gradio"' : undefined) });

export const writerBackendSchema = z.strictObject({
  kind: z.enum(['offline', 'openai']),
  model: z.string().min(1).optional(),
});

/** Anything left out is served offline. */
export const channelBackendsSchema = z.strictObject({
  writer: writerBackendSchema.optional(),
  video: mediaBackendSchema.optional(),
  upscale: mediaBackendSchema.optional(),
  interpolate: mediaBackendSchema.optional(),
  music: mediaBackendSchema.optional(),
  voice: mediaBackendSchema.optional(),
  sfx: mediaBackendSchema.optional(),
});

/** The config file: other sections belong to the channel and are left alone here. */
export const channelConfigFileSchema = z.looseObject({ backends: channelBackendsSchema.default({}), show: showSchema.optional() });

export type ChannelBackendsConfig = z.infer<typeof channelBackendsSchema>;

/** Reads and validates a channel config file; throws one line saying what to fix. */
export function loadChannelBackends(file: string): ChannelBackendsConfig {
  return loadChannelConfig(file).backends;
}

/** The config file's backends and, when it has one, its show. */
export function loadChannelConfig(file: string): { backends: ChannelBackendsConfig; show?: Show } {
  const parsed = channelConfigFileSchema.safeParse(readJsonFile(file, 'the channel config', '--config <file>'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.path[0] === 'show') throw new Error(`${file}: show.${issueLine({ ...issue, path: issue.path.slice(1) })}`.replace('show.(top level)', 'show'));
    const where = issue.path.join('.') || '(top level)';
    const what = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
    throw new Error(`${file}: ${where}: ${what}`);
  }
  return { backends: parsed.data.backends, ...(parsed.data.show ? { show: parsed.data.show } : {}) };
}
