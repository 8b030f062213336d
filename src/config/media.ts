// The media tools' settings: the caption font the offline renderer draws with (preflight checks it exists;
// the renderer refuses a path ffmpeg's filter syntax cannot take, when it first draws a caption).

export const DEFAULT_FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** WEBTV_FONT_FILE, else DejaVu Sans (Debian's fonts-dejavu-core). Any path: there is nothing to parse. */
export function fontFileFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.WEBTV_FONT_FILE || DEFAULT_FONT_FILE;
}
