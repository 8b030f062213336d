// Small media facts for assertions, read with the real ffprobe/ffmpeg.
import { execa } from 'execa';

/** One md5 per decoded video frame: equal lists mean frame-identical clips. */
export async function frameHashes(file: string): Promise<string[]> {
  const { stdout } = await execa('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v', '-f', 'framemd5', '-']);
  return stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').pop()!.trim());
}

/** Integrated loudness (LUFS) as ffmpeg's ebur128 measures it. */
export async function integratedLoudness(file: string): Promise<number> {
  const { stderr } = await execa('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-vn', '-af', 'ebur128', '-f', 'null', '-']);
  const m = /Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+) LUFS/.exec(stderr);
  if (!m) throw new Error(`no integrated loudness in ffmpeg output for ${file}`);
  return Number(m[1]);
}
