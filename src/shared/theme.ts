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
