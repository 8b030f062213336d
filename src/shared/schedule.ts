// A programme slot: what a Temporal Schedule passes to scheduledThemeWorkflow when it fires, and the
// one check of it (CLI flags, `temporal schedule create --input`, and the workflow itself). Pure.
import { z } from 'zod';
import { channelNameProblem, themeProblem } from './validation';

export interface ScheduledTheme {
  channel: string;
  theme: string;
  /** After this many episodes made with the theme, the previous theme returns (unless changed meanwhile). */
  episodes?: number;
  /** A line for the programme guide. */
  note?: string;
}

export const NOTE_MAX_CHARS = 200;

const schema = z.object({
  channel: z.string().superRefine((v, ctx) => {
    const p = channelNameProblem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  }),
  theme: z.string().superRefine((v, ctx) => {
    const p = themeProblem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  }).transform((v) => v.trim()),
  episodes: z.number().int().min(1).max(1000).optional(),
  note: z.string().max(NOTE_MAX_CHARS, `the note is longer than ${NOTE_MAX_CHARS} characters`).optional(),
}).strict();

export function parseScheduledTheme(input: unknown): { ok: true; value: ScheduledTheme } | { ok: false; reason: string } {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  return { ok: false, reason: `${issue.path.join('.') || 'input'}: ${issue.message}` };
}

export const SCHEDULED_THEME_WORKFLOW = 'scheduledThemeWorkflow';
/** Schedule ids name their channel, so `temporal schedule list` reads like a programme guide. */
export const scheduleIdPrefix = (channel: string) => `theme/${channel}/`;
