// Input checks shared by the CLI, the web server and the workflows (pure: workflows bundle this file).
// Each returns a sentence saying what is wrong and how to fix it, or undefined when the input is good.
import type { BackendSpec, EpisodeInput } from './types';
import { SCREENPLAY_LIMITS, STORY_KEPT, parseShow } from './show';

export const THEME_MAX_CHARS = 2000;
export const SHOTS_MAX = 50;
export const CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

// C0/C1 control characters other than tab and newline, plus DEL.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

export function themeProblem(theme: unknown): string | undefined {
  if (typeof theme !== 'string') return `the theme must be a string, got ${theme === null ? 'null' : typeof theme}`;
  if (theme.trim().length === 0) return 'the theme is empty: describe what the channel shows, e.g. "a llama programmer in a dim room"';
  if (theme.length > THEME_MAX_CHARS) return `the theme is ${theme.length} characters long; keep it to ${THEME_MAX_CHARS} or fewer`;
  const bad = CONTROL.exec(theme);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).padStart(4, '0');
    return `the theme contains a control character (U+${code}) at position ${bad.index}; use printable text only`;
  }
  return undefined;
}

export function channelNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || !CHANNEL_NAME.test(name)) {
    return `channel name ${JSON.stringify(name)} is not valid: use 1–63 lowercase letters, digits, '-' or '_', starting with a letter or digit`;
  }
  return undefined;
}

function backendProblem(what: string, spec: unknown): string | undefined {
  if (!spec || typeof spec !== 'object' || typeof (spec as BackendSpec).kind !== 'string' || !(spec as BackendSpec).kind) {
    return `backends.${what} must be an object with a "kind" (e.g. {"kind":"offline"})`;
  }
  return undefined;
}

export function episodeInputProblem(input: EpisodeInput): string | undefined {
  if (!input || typeof input !== 'object') return 'the episode input must be an object: {channel, episode, theme, shots, seed, backends}';
  const channel = channelNameProblem(input.channel);
  if (channel) return channel;
  if (!Number.isInteger(input.episode) || input.episode < 0) return `episode number must be a whole number ≥ 0, got ${JSON.stringify(input.episode)}`;
  const theme = themeProblem(input.theme);
  if (theme) return theme;
  if (!Number.isInteger(input.shots) || input.shots < 1 || input.shots > SHOTS_MAX) {
    return `shot count must be a whole number from 1 to ${SHOTS_MAX}, got ${JSON.stringify(input.shots)}`;
  }
  if (!Number.isInteger(input.seed) || input.seed < 0 || input.seed > 2147483647) {
    return `seed must be a whole number from 0 to 2147483647, got ${JSON.stringify(input.seed)}`;
  }
  if (input.parallelShots !== undefined && (!Number.isInteger(input.parallelShots) || input.parallelShots < 1 || input.parallelShots > 16)) {
    return `parallelShots must be a whole number from 1 to 16, got ${JSON.stringify(input.parallelShots)}`;
  }
  if (input.mediaWorkerWaitSec !== undefined && (!Number.isInteger(input.mediaWorkerWaitSec) || input.mediaWorkerWaitSec < 5 || input.mediaWorkerWaitSec > 3600)) {
    return `mediaWorkerWaitSec must be a whole number of seconds from 5 to 3600, got ${JSON.stringify(input.mediaWorkerWaitSec)}`;
  }
  if (input.remoteTaskQueue !== undefined && (typeof input.remoteTaskQueue !== 'string' || !/^[\w.\-\/]{1,200}$/.test(input.remoteTaskQueue))) {
    return `remoteTaskQueue must be a task queue name (letters, digits, . _ - /), got ${JSON.stringify(input.remoteTaskQueue)}`;
  }
  if (input.safeTheme !== undefined) {
    const safe = themeProblem(input.safeTheme);
    if (safe) return `safeTheme: ${safe}`;
  }
  if (input.show !== undefined) {
    const show = parseShow(input.show);
    if ('problem' in show) return show.problem;
  }
  if (input.storySoFar !== undefined && (!Array.isArray(input.storySoFar) || input.storySoFar.length > STORY_KEPT * 4
    || input.storySoFar.some((e) => !e || !Number.isInteger(e.episode) || typeof e.title !== 'string' || typeof e.summary !== 'string'))) {
    return 'storySoFar must be a list of {episode, title, summary}, oldest first';
  }
  if (input.lengthSec !== undefined) {
    const problem = lengthProblem(input.lengthSec);
    if (problem) return problem;
  }
  const b = input.backends;
  if (!b || typeof b !== 'object') return 'backends must be an object: {writer, video, upscale, interpolate, music}';
  if (!b.writer || (b.writer.kind !== 'offline' && b.writer.kind !== 'openai')) {
    return `backends.writer.kind must be "offline" or "openai", got ${JSON.stringify(b.writer?.kind)}`;
  }
  for (const cap of ['video', 'upscale', 'interpolate', 'music'] as const) {
    const p = backendProblem(cap, b[cap]);
    if (p) return p;
  }
  for (const cap of ['voice', 'sfx'] as const) {
    const p = b[cap] === undefined ? undefined : backendProblem(cap, b[cap]);
    if (p) return p;
  }
  return undefined;
}

/** The default: everything offline, so a channel runs with no GPU and no network. */
export function offlineBackends(): EpisodeInput['backends'] {
  return { writer: { kind: 'offline' }, video: { kind: 'offline' }, upscale: { kind: 'offline' }, interpolate: { kind: 'offline' }, music: { kind: 'offline' } };
}

/** A directed episode's length range: whole or fractional seconds within 20–90, min ≤ max. */
export function lengthProblem(range: unknown): string | undefined {
  const { min, max } = SCREENPLAY_LIMITS.episodeSec;
  const r = range as { min?: unknown; max?: unknown } | null;
  if (!r || typeof r !== 'object' || typeof r.min !== 'number' || typeof r.max !== 'number' || !(r.min >= min) || !(r.max <= max) || r.min > r.max) {
    return `lengthSec must be {"min": s, "max": s} with ${min} ≤ min ≤ max ≤ ${max} seconds, got ${JSON.stringify(range)}`;
  }
  return undefined;
}
