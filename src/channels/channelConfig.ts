// The `backends` section of a channel's JSON config file: which backend serves each capability and,
// for Gradio, which app/endpoint/params. Read by the CLI (channel start, episode make, spaces check); the
// Gradio spec itself is the backend's (activities/backends/gradio/spec.ts).
import fs from 'node:fs';
import { z } from 'zod';
import type { MediaCapability } from '../activities/backends/backends';
import { gradioSpecSchema } from '../activities/backends/gradio/spec';

export const MEDIA_CAPABILITIES: readonly MediaCapability[] = ['video', 'upscale', 'interpolate', 'music'];

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
});

/** The config file: other sections belong to the channel and are left alone here. */
export const channelConfigFileSchema = z.looseObject({ backends: channelBackendsSchema.default({}) });

export type ChannelBackendsConfig = z.infer<typeof channelBackendsSchema>;

/** Reads and validates a channel config file; throws one line saying what to fix. */
export function loadChannelBackends(file: string): ChannelBackendsConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the channel config ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}; pass --config <file>`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = channelConfigFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join('.') || '(top level)';
    const what = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
    throw new Error(`${file}: ${where}: ${what}`);
  }
  return parsed.data.backends;
}
