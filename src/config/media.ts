// The media tools' settings: the caption font the offline renderer draws with (preflight checks it exists;
// the renderer refuses a path ffmpeg's filter syntax cannot take, when it first draws a caption), and whether
// an episode's folder keeps its intermediates.
import { z } from 'zod';
import { parseVariables } from './env';

export const DEFAULT_FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** WEBTV_FONT_FILE, else DejaVu Sans (Debian's fonts-dejavu-core). Any path: there is nothing to parse. */
export function fontFileFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.WEBTV_FONT_FILE || DEFAULT_FONT_FILE;
}

const keepSchema = z.object({
  WEBTV_KEEP_INTERMEDIATES: z.enum(['1', '0', 'true', 'false'], { message: 'expected 1 or true (keep every intermediate, for debugging), 0 or false (the default)' }).optional(),
});

/**
 * WEBTV_KEEP_INTERMEDIATES: with 1 or true, an episode's folder keeps every intermediate (for debugging); by
 * default each one goes once the step that reads it has completed (src/activities/episode/intermediates.ts).
 */
export function keepIntermediatesFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const e = parseVariables(keepSchema, { WEBTV_KEEP_INTERMEDIATES: env.WEBTV_KEEP_INTERMEDIATES || undefined });
  return e.WEBTV_KEEP_INTERMEDIATES === '1' || e.WEBTV_KEEP_INTERMEDIATES === 'true';
}
