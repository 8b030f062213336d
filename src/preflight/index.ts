// Preflight: what `npm start`, `webtv dev` and `webtv worker` check before anything claims to be on air
// — ffmpeg and ffprobe with the filters and encoders the product uses, espeak-ng (the offline voices),
// the caption font, free ports.
// Each problem is one line naming the package to install or the variable to set.
import { execa } from 'execa';
import fs from 'node:fs';
import net from 'node:net';
import type { Store } from '../store/index';

/** Filters the episode renderers, the mux and the on-air chain use (Debian's ffmpeg has them all). */
export const REQUIRED_FILTERS = [
  'drawtext', 'loudnorm', 'apad', 'atrim', 'afade', 'aresample', 'minterpolate', 'framerate', 'tpad', 'setsar', 'scale', 'fps', 'format',
  'crop', 'pad', 'hue', 'eq', 'concat', 'gradients', 'mandelbrot', 'cellauto', 'life', 'aevalsrc', 'sine', 'volume',
  // The offline sound effects (backends/offline/sfx.ts).
  'anoisesrc', 'amultiply', 'amix', 'bandpass', 'lowpass', 'highpass', 'tremolo', 'aecho', 'pan',
];
export const REQUIRED_ENCODERS = ['libx264', 'aac'];

const INSTALL_FFMPEG = 'install it: apt-get install ffmpeg (Debian/Ubuntu), brew install ffmpeg (macOS), or put a full build on PATH';
const INSTALL_ESPEAK = 'install it: apt-get install espeak-ng (Debian/Ubuntu), brew install espeak-ng (macOS)';

export interface PortNeed {
  port: number;
  host: string;
  /** What uses it, e.g. "web page". */
  what: string;
  /** The variable (or flag) that chooses it. */
  variable: string;
}

export interface PreflightNeeds {
  /** Media tools: every process that runs activities (episodes, air). */
  media?: boolean;
  /** Font file for captions (offline renderer), default WEBTV_FONT_FILE or DejaVu Sans. */
  fontFile?: string;
  ports?: PortNeed[];
  /** The episode store (WEBTV_STORE): reachable, the bucket there, the credentials accepted. */
  store?: Store;
}

/** ffmpeg's own list of names from `-filters` / `-encoders` output. */
function listedNames(output: string): Set<string> {
  const names = new Set<string>();
  for (const line of output.split('\n')) {
    const m = /^\s*[A-Z.|]{2,6}\s+(\S+)\s/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}

async function mediaProblems(): Promise<string[]> {
  const problems: string[] = [];
  const run = (bin: string, args: string[]) => execa(bin, args, { reject: false, timeout: 20_000 });
  const filters = await run('ffmpeg', ['-hide_banner', '-filters']);
  if (filters.failed && (filters.code === 'ENOENT' || /ENOENT/.test(String(filters.message)))) {
    problems.push(`ffmpeg is not installed (not found on PATH): ${INSTALL_FFMPEG}`);
  } else if (filters.exitCode !== 0) {
    problems.push(`ffmpeg does not run ("ffmpeg -filters" exited ${filters.exitCode}): ${INSTALL_FFMPEG}`);
  } else {
    const have = listedNames(String(filters.stdout));
    const missing = REQUIRED_FILTERS.filter((f) => !have.has(f));
    if (missing.length) problems.push(`ffmpeg lacks the filters ${missing.join(', ')} (drawtext needs libfreetype): ${INSTALL_FFMPEG}`);
    const encoders = await run('ffmpeg', ['-hide_banner', '-encoders']);
    const haveEnc = listedNames(String(encoders.stdout));
    const missingEnc = REQUIRED_ENCODERS.filter((e) => !haveEnc.has(e));
    if (missingEnc.length) problems.push(`ffmpeg lacks the encoders ${missingEnc.join(', ')}: ${INSTALL_FFMPEG}`);
  }
  const probe = await run('ffprobe', ['-version']);
  if (probe.exitCode !== 0) problems.push(`ffprobe is not installed (not found on PATH): it comes with ffmpeg; ${INSTALL_FFMPEG}`);
  const espeak = await run('espeak-ng', ['--version']);
  if (espeak.failed && (espeak.code === 'ENOENT' || /ENOENT/.test(String(espeak.message)))) {
    problems.push(`espeak-ng is not installed (not found on PATH): it speaks the offline voices; ${INSTALL_ESPEAK}`);
  } else if (espeak.exitCode !== 0) {
    problems.push(`espeak-ng does not run ("espeak-ng --version" exited ${espeak.exitCode}): ${INSTALL_ESPEAK}`);
  }
  return problems;
}

function fontProblem(file: string): string | null {
  if (fs.existsSync(file) && fs.statSync(file).isFile()) return null;
  return `the caption font ${file} is missing: apt-get install fonts-dejavu-core, or set WEBTV_FONT_FILE to a .ttf file`;
}

export function portProblem(need: PortNeed): Promise<string | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE'
      ? `port ${need.port} on ${need.host} (${need.what}) is already in use: stop what uses it, or set ${need.variable} to a free port`
      : `port ${need.port} on ${need.host} (${need.what}) cannot be opened (${err.code ?? err.message}): set ${need.variable}`));
    srv.listen(need.port, need.host, () => srv.close(() => resolve(null)));
  });
}

/** Every problem found, one line each; empty when all is well. */
export async function preflight(needs: PreflightNeeds): Promise<string[]> {
  const problems: string[] = [];
  if (needs.media) problems.push(...await mediaProblems());
  if (needs.fontFile) {
    const p = fontProblem(needs.fontFile);
    if (p) problems.push(p);
  }
  for (const need of needs.ports ?? []) {
    const p = await portProblem(need);
    if (p) problems.push(p);
  }
  if (needs.store) {
    // Each store failure already names the store and the variable to fix (src/store/failures.ts).
    await needs.store.check().catch((err: Error) => problems.push(err.message));
  }
  return problems;
}

/** Prints the problems (one line each, to stderr) and says whether the command may go on. */
export async function preflightPasses(command: string, needs: PreflightNeeds): Promise<boolean> {
  const problems = await preflight(needs);
  for (const p of problems) console.error(`webtv ${command}: ${p}`);
  if (problems.length) console.error(`webtv ${command}: ${problems.length} problem${problems.length > 1 ? 's' : ''} found before start; nothing was started`);
  return problems.length === 0;
}
