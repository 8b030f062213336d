// The channel's theme: its default, and the one check used by the update validator, the signal
// handler, the CLI and the web server (the rules themselves live in validation.ts, shared with episodes).
import { themeProblem } from './validation';

export { THEME_MAX_CHARS } from './validation';

export const DEFAULT_THEME =
  'A calm nature documentary: misty forests at dawn, foxes and deer, slow rivers, golden light.';

export type ThemeCheck = { ok: true; theme: string } | { ok: false; reason: string };

export function checkTheme(input: unknown): ThemeCheck {
  const problem = themeProblem(input);
  return problem ? { ok: false, reason: problem } : { ok: true, theme: (input as string).trim() };
}

/** The failure type of a theme moderation refused: the `setTheme` update, a new channel, an episode. */
export const THEME_REJECTED = 'ThemeRejected';

export function themeRejectedMessage(categories: string[]): string {
  return `theme rejected by moderation (${categories.join(', ') || 'flagged'}); choose another theme`;
}

/**
 * The categories of a ThemeRejected failure anywhere in an error's cause chain (an update's
 * WorkflowUpdateFailedError, a workflow's WorkflowFailedError, a child's failure), or undefined.
 */
export function themeRejection(err: unknown): { categories: string[]; message: string } | undefined {
  for (let e = err as { type?: string; message?: string; details?: unknown[]; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.type === THEME_REJECTED) {
      const d = e.details?.[0] as { categories?: unknown } | undefined;
      const categories = Array.isArray(d?.categories) ? d.categories.map(String) : [];
      return { categories, message: e.message ?? themeRejectedMessage(categories) };
    }
  }
  return undefined;
}

/**
 * A shot prompt that cannot go wrong, made from an accepted theme and calm fixed words: what an episode
 * airs for a shot whose prompt was rejected twice.
 */
export function safePrompt(theme: string): string {
  const subject = theme.replace(/\s+/g, ' ').trim().replace(/[.!?]+$/, '').slice(0, 300);
  return `${subject}, calm wide establishing shot, soft natural light, slow gentle camera move, documentary style`;
}

/** The music description used when the writer's mood is rejected. */
export const SAFE_MOOD = 'calm, ambient, instrumental';
