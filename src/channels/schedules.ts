// Programme schedules on Temporal Schedules: create, list, remove, and "coming up" (the next scheduled
// themes, from the schedules' next action times). A schedule counts for a channel when its action is
// scheduledThemeWorkflow with that channel in its input — also one an operator made with
// `temporal schedule create` (see README). What "coming up" shows viewers is moderated first
// (scheduleModeration.ts).
import { ScheduleNotFoundError, WorkflowNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { channelWorkflowId } from '../shared/channel';
import { SCHEDULED_THEME_WORKFLOW, parseScheduledTheme, scheduleIdPrefix, type ScheduledTheme } from '../shared/schedule';
import { moderateScheduledText, ModerationTimeout, scheduledTextVerdict } from './scheduleModeration';

export interface ProgrammeSchedule extends ScheduledTheme {
  id: string;
  /** The spec as given (cron expressions). */
  cron: string[];
  paused: boolean;
  /** Next firing times (ISO), soonest first. */
  next: string[];
  /** Where its workflow runs (and so the moderation check of its texts). */
  taskQueue: string;
}

export interface ComingUp {
  at: string;
  theme: string;
  note?: string;
  scheduleId: string;
}

/** A one-line reason when the input is bad (invalid cron, unknown channel, theme over the limit). */
export class ScheduleInputError extends Error {}

function describeToProgramme(id: string, d: ScheduleDescription): ProgrammeSchedule | null {
  if (d.action.type !== 'startWorkflow' || d.action.workflowType !== SCHEDULED_THEME_WORKFLOW) return null;
  const parsed = parseScheduledTheme(d.action.args?.[0]);
  if (!parsed.ok) return null;
  // The server keeps a cron string compiled into calendars; ours keep the string as given in the memo.
  const spec = d.spec as { cronExpressions?: string[]; calendars?: unknown[]; intervals?: unknown[] };
  const memoCron = (d.memo as Record<string, unknown> | undefined)?.cron;
  const cron = typeof memoCron === 'string' ? [memoCron]
    : spec.cronExpressions?.length ? spec.cronExpressions
      : [`(${spec.calendars?.length ?? 0} calendar, ${spec.intervals?.length ?? 0} interval spec; see "temporal schedule describe --schedule-id ${id}")`];
  return {
    id,
    ...parsed.value,
    cron,
    paused: d.state.paused,
    next: d.info.nextActionTimes.map((t) => t.toISOString()),
    taskQueue: d.action.taskQueue,
  };
}

/** Every programme schedule of `channel` (all channels when undefined), by id. */
export async function listSchedules(client: Client, channel?: string): Promise<ProgrammeSchedule[]> {
  const out: ProgrammeSchedule[] = [];
  for await (const s of client.schedule.list()) {
    if (s.action?.type !== 'startWorkflow' || s.action.workflowType !== SCHEDULED_THEME_WORKFLOW) continue;
    try {
      const p = describeToProgramme(s.scheduleId, await client.schedule.getHandle(s.scheduleId).describe());
      if (p && (!channel || p.channel === channel)) out.push(p);
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** The texts of a schedule that viewers see. */
const shownTexts = (s: ScheduledTheme) => [s.theme, ...(s.note ? [s.note] : [])];

/**
 * The next `n` scheduled themes of a channel across its schedules, soonest first: only those whose theme
 * and note moderation passed. A schedule not checked yet (made with `temporal schedule create`) gets its
 * check started here and stays hidden until it passes.
 */
export async function comingUp(client: Client, channel: string, n = 3): Promise<ComingUp[]> {
  const schedules = (await listSchedules(client, channel)).filter((s) => !s.paused);
  const verdicts = await Promise.all(schedules.map((s) => Promise.all(shownTexts(s).map((t) => scheduledTextVerdict(client, s.taskQueue, t)))));
  const all = schedules.filter((_, i) => verdicts[i].every((v) => v === 'allowed')).flatMap((s) =>
    s.next.map((at) => ({ at, theme: s.theme, ...(s.note ? { note: s.note } : {}), scheduleId: s.id })));
  return all.sort((a, b) => a.at.localeCompare(b.at)).slice(0, n);
}

export interface AddSchedule extends ScheduledTheme {
  cron: string;
  taskQueue: string;
}

export async function addSchedule(client: Client, req: AddSchedule): Promise<ProgrammeSchedule> {
  const { cron, taskQueue, ...theme } = req;
  const parsed = parseScheduledTheme(theme);
  if (!parsed.ok) throw new ScheduleInputError(parsed.reason);
  try {
    await client.workflow.getHandle(channelWorkflowId(parsed.value.channel)).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new ScheduleInputError(`unknown channel "${parsed.value.channel}": start it first with "webtv channel start ${parsed.value.channel}"`);
    }
    throw err;
  }
  // Viewers see the theme and note in "Coming up": moderate them now, as the channel would a theme.
  for (const [what, text] of [['theme', parsed.value.theme], ['note', parsed.value.note]] as const) {
    if (!text) continue;
    let verdict;
    try {
      verdict = await moderateScheduledText(client, taskQueue, text);
    } catch (err) {
      if (err instanceof ModerationTimeout) throw new ScheduleInputError(err.message);
      throw err;
    }
    if (!verdict.allowed) throw new ScheduleInputError(`the ${what} was refused by moderation (${verdict.categories.join(', ')}); choose another ${what}`);
  }
  const id = `${scheduleIdPrefix(parsed.value.channel)}${randomBytes(4).toString('hex')}`;
  try {
    const handle = await client.schedule.create({
      scheduleId: id,
      spec: { cronExpressions: [cron] },
      action: {
        type: 'startWorkflow',
        workflowType: SCHEDULED_THEME_WORKFLOW,
        workflowId: id,
        taskQueue,
        args: [parsed.value],
        staticSummary: `scheduled theme for ${parsed.value.channel}: ${parsed.value.theme.slice(0, 100)}`,
      },
      memo: { channel: parsed.value.channel, cron, theme: parsed.value.theme, ...(parsed.value.note ? { note: parsed.value.note } : {}) },
    });
    return describeToProgramme(id, await handle.describe())!;
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    // The SDK checks cron fields itself (TypeError naming the field); the server answers INVALID_ARGUMENT (gRPC code 3).
    const grpcCode = (err as { code?: number; cause?: { code?: number } }).cause?.code ?? (err as { code?: number }).code;
    if (err instanceof TypeError || grpcCode === 3 || /cron|invalid/i.test(msg)) {
      throw new ScheduleInputError(
        `invalid cron expression "${cron}" (${msg.replace(/^\d+ INVALID_ARGUMENT: /, '').replace(/\.$/, '')}): give 5 fields "minute hour day-of-month month day-of-week", e.g. "0 18 * * *", or "@every 10m"`);
    }
    throw err;
  }
}

export async function removeSchedule(client: Client, id: string): Promise<void> {
  try {
    const d = await client.schedule.getHandle(id).describe();
    if (d.action.type !== 'startWorkflow' || d.action.workflowType !== SCHEDULED_THEME_WORKFLOW) {
      throw new ScheduleInputError(`schedule "${id}" is not a programme schedule (it does not run ${SCHEDULED_THEME_WORKFLOW}); remove it with "temporal schedule delete"`);
    }
    await client.schedule.getHandle(id).delete();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new ScheduleInputError(`no schedule "${id}": see "webtv schedule list <channel>"`);
    throw err;
  }
}
