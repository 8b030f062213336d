// `webtv schedule add|list|remove`: a channel's programme on Temporal Schedules.
import { parseArgs } from 'node:util';
import { readSettings } from '../../config/settings';
import { connectClient, temporalTarget } from '../../temporal/connection';
import { channelNameProblem } from '../../shared/validation';
import { addSchedule, listSchedules, removeSchedule, ScheduleInputError, type ProgrammeSchedule } from '../../channels/schedules';
import { UsageError } from '../usageError';

const USAGE = `usage:
  webtv schedule add <channel> --cron "<cron>" --theme "…" [--episodes <n>] [--note "…"]
      cron: "minute hour day-of-month month day-of-week" in UTC (e.g. "0 18 * * *"), "TZ=Europe/Paris 0 18 * * *",
      7 fields with seconds first, or "@every 10m"
  webtv schedule list <channel> [--json]
  webtv schedule remove <id>`;

/** A local time a person reads, with the date when it is not today. */
export function localTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return d.toDateString() === now.toDateString() ? time : `${d.toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' })} ${time}`;
}

export function formatSchedules(list: ProgrammeSchedule[]): string {
  if (list.length === 0) return 'no schedules: add one with "webtv schedule add <channel> --cron … --theme …"';
  return list.map((s) => [
    `${s.id}${s.paused ? ' (paused)' : ''}`,
    `  cron      ${s.cron.join(', ')}`,
    `  theme     ${s.theme}${s.episodes ? ` (for ${s.episodes} episode${s.episodes > 1 ? 's' : ''})` : ''}`,
    ...(s.note ? [`  note      ${s.note}`] : []),
    `  next      ${s.next.slice(0, 3).map((t) => localTime(t)).join(', ') || 'never'}`,
  ].join('\n')).join('\n');
}

export async function run(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`webtv schedule: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof ScheduleInputError) {
      console.error(`webtv schedule: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      cron: { type: 'string' },
      theme: { type: 'string' },
      episodes: { type: 'string' },
      note: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, arg] = positionals;
  if (values.help || !action) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (!['add', 'list', 'remove'].includes(action)) throw new UsageError(`unknown action "${action}"`);
  if (!arg) throw new UsageError(action === 'remove' ? 'missing schedule id' : 'missing channel name');
  if (action !== 'remove') {
    const problem = channelNameProblem(arg);
    if (problem) throw new UsageError(problem);
  }
  let episodes: number | undefined;
  if (action === 'add') {
    if (!values.cron?.trim()) throw new UsageError('missing --cron "<minute hour day-of-month month day-of-week>", e.g. --cron "0 18 * * *"');
    if (values.theme === undefined) throw new UsageError('missing --theme "…"');
    if (values.episodes !== undefined) {
      episodes = Number(values.episodes);
      if (!Number.isInteger(episodes) || episodes < 1) throw new UsageError(`--episodes must be a whole number ≥ 1, got "${values.episodes}"`);
    }
  }
  const settings = readSettings();
  const { client, connection } = await connectClient(temporalTarget());
  try {
    if (action === 'add') {
      const s = await addSchedule(client, {
        channel: arg, cron: values.cron!.trim(), theme: values.theme!, taskQueue: settings.taskQueue,
        ...(episodes ? { episodes } : {}), ...(values.note ? { note: values.note } : {}),
      });
      console.log(values.json ? JSON.stringify(s, null, 2) : `schedule ${s.id} added\n${formatSchedules([s])}`);
    } else if (action === 'list') {
      const list = await listSchedules(client, arg);
      console.log(values.json ? JSON.stringify(list, null, 2) : formatSchedules(list));
    } else {
      await removeSchedule(client, arg);
      console.log(`schedule ${arg} removed`);
    }
    return 0;
  } finally {
    await connection.close();
  }
}
