// `webtv channel start|stop|list|theme|pause|resume|skip|status|move-air`: drives a channel workflow through Temporal.
import { channelNameProblem } from '../../shared/validation';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { formatChannelList, listChannels } from '../../channels/channelList';
import { lastChannelState, startChannel } from '../../channels/channelStart';
import { stopChannel } from '../../channels/channelStop';
import { comingUp, type ComingUp } from '../../channels/schedules';
import { localTime } from './schedule';
import { parseArgs } from 'node:util';
import { readSettings } from '../../config/settings';
import { connectClient, temporalTarget } from '../../temporal/connection';
import { loadChannelConfig, loadShowFile } from '../../channels/channelConfig';
import { channelWorkflowId, type ChannelInput, type ChannelStatus } from '../../shared/channel';
import { moveAirUpdate, pauseSignal, resumeSignal, setThemeUpdate, skipSignal, statusQuery } from '../../shared/channelMessages';
import { hostIdProblem } from '../../shared/taskQueues';
import { checkTheme, themeRejection } from '../../shared/theme';
import type { EpisodeBackends } from '../../shared/types';
import { UsageError } from '../usageError';

const USAGE = `usage:
  webtv channel start <name> [--theme "…"] [--show <show.json>] [--config <file>] [--shots <n>] [--target-ready <n>] [--no-broadcast] [--audience]
  webtv channel stop <name>            cancel its episodes in production, end its broadcast, keep its state
  webtv channel list                   every channel: state, theme, what is on air, episode counts
  webtv channel theme <name> "<new theme>"
  webtv channel pause|resume|skip <name>
  webtv channel status <name> [--json]
  webtv channel move-air <name> [--to <host>]   air from another host's air worker (when its host is gone for good)
  webtv channel suggestions <name> [remove|ban <id>]   (see "webtv channel suggestions --help")`;

function channelArg(name: string | undefined): string {
  if (!name) throw new UsageError('missing channel name');
  const problem = channelNameProblem(name);
  if (problem) throw new UsageError(problem);
  return name;
}

function intOption(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what} must be a whole number ≥ 1, got "${v}"`);
  return n;
}

export function formatStatus(s: ChannelStatus, now = Date.now(), upcoming: ComingUp[] = []): string {
  const ep = s.onAir?.episode;
  let shot = '';
  if (ep && s.onAir) {
    const total = ep.shots.reduce((a, x) => a + x.durationSec, 0) || ep.durationSec || 1;
    let t = ((now - Date.parse(s.onAir.since)) / 1000) % total;
    shot = ep.shots.find((x) => (t -= x.durationSec) < 0)?.prompt ?? ep.shots.at(-1)?.prompt ?? '';
  }
  const lines = [
    `channel   ${s.channel}${s.stopped ? ` (stopped: ${s.stopped})` : s.paused ? ' (paused: no new episodes)' : ''}`,
    `theme     ${s.theme}`,
    ...(ep?.suggested ? [`          on air now: suggested by a viewer (${ep.theme})`] : []),
    ...(s.show ? [`show      ${s.show.title} (${s.show.characters.join(', ')})`] : []),
    ...(s.previously?.length ? [`previously ${s.previously.map((e) => `#${e.episode} ${e.summary}`).join('\n          ')}`] : []),
    `on air    ${ep ? `episode ${ep.episode}${ep.title ? ` "${ep.title}"` : ''}${s.onAir!.reair ? ' (again)' : ''}: ${shot}` : s.onAir ? 'standby clip' : 'not on air yet'}`,
    `next      ${s.next.length ? s.next.map((e) => `episode ${e.episode}`).join(', ') : 'nothing ready'}`,
    `making    ${s.producing.length ? s.producing.map((p) => `episode ${p.episode}`).join(', ') : 'nothing'}`,
    `episodes  ${s.made} made, ${s.failed} failed, ${s.aired} aired, ${s.skipped} skipped`,
    `backends  ${Object.entries(s.backends).map(([k, v]) => `${k}=${v}`).join(' ')}`,
    ...(s.air ? [`air host  ${s.air.host} (task queue ${s.air.queue})`] : []),
  ];
  if (s.viewers !== undefined && s.viewers !== null) lines.push(`watching  ${s.viewers}`);
  lines.push(`coming up ${upcoming.length ? upcoming.map((c) => `${localTime(c.at)} ${c.theme.slice(0, 60)}`).join('\n          ') : 'nothing scheduled'}`);
  if (s.productionVsAir !== null) lines.push(`rate      ${s.productionVsAir} s of episode made per s of air`);
  if (s.productionSpeed !== null) lines.push(`speed     ${s.productionSpeed} s of episode made per s of production`);
  if (s.fallingBehind) lines.push('warning   making episodes is slower than air: recent episodes air again');
  for (const f of s.recentFailures.slice(-3)) lines.push(`failed    episode ${f.episode}: ${f.error}`);
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'suggestions') return (await import('./suggestions')).run(argv.slice(1));
  try {
    return await dispatch(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`webtv channel: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof WorkflowNotFoundError) {
      console.error(`webtv channel: that channel is not running; start it with "webtv channel start <name>"`);
      return 1;
    }
    console.error(`webtv channel: ${(err as Error).message}`);
    return 1;
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      theme: { type: 'string' },
      config: { type: 'string' },
      show: { type: 'string' },
      shots: { type: 'string' },
      'target-ready': { type: 'string' },
      json: { type: 'boolean' },
      'no-broadcast': { type: 'boolean' },
      audience: { type: 'boolean' },
      to: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, nameArg, ...rest] = positionals;
  if (values.help || !action) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (!['start', 'stop', 'list', 'theme', 'pause', 'resume', 'skip', 'status', 'move-air'].includes(action)) throw new UsageError(`unknown action "${action}"`);
  const name = action === 'list' ? '' : channelArg(nameArg);
  const settings = readSettings();
  const { client, connection } = await connectClient(temporalTarget());
  try {
    const handle = client.workflow.getHandle(channelWorkflowId(name));
    switch (action) {
      case 'start': {
        const input: ChannelInput = { channel: name };
        if (values.theme !== undefined) {
          const t = checkTheme(values.theme);
          if (!t.ok) throw new UsageError(t.reason);
          input.theme = t.theme;
        }
        if (values.config) {
          const config = loadChannelConfig(values.config);
          input.backends = config.backends as Partial<EpisodeBackends>;
          if (config.show) input.show = config.show;
        }
        // --show beats the config's show; given to a stopped channel, it replaces the show it kept.
        if (values.show) input.show = loadShowFile(values.show);
        input.shots = intOption(values.shots, '--shots');
        input.targetReady = intOption(values['target-ready'], '--target-ready');
        if (values['no-broadcast']) input.broadcast = false;
        if (values.audience) input.audience = true;
        const started = await startChannel(client, settings.taskQueue, input, input.theme);
        if (started.warning) console.error(`webtv channel: warning: ${started.warning}`);
        // The channel checks a new theme first; wait for that verdict so a refusal reaches the operator.
        const verdict = await initialThemeVerdict(handle, !!input.show && started.how !== 'running');
        if (verdict.rejected) {
          console.error(`webtv channel: ${verdict.rejected}`);
          return 1;
        }
        const how = started.how === 'resumed' ? ', resumed from its last state' : '';
        console.log(`channel ${name} is running (workflow ${started.workflowId}, task queue ${settings.taskQueue}${how})`);
        if (verdict.warning) console.error(`webtv channel: warning: ${verdict.warning}`);
        return 0;
      }
      case 'stop': {
        const r = await stopChannel(client, name);
        console.log(r);
        return 0;
      }
      case 'list': {
        console.log(formatChannelList(await listChannels(client)));
        return 0;
      }
      case 'theme': {
        const t = checkTheme(rest.join(' '));
        if (!t.ok) throw new UsageError(t.reason);
        try {
          const before = await handle.query(statusQuery).catch(() => undefined);
          const accepted = await handle.executeUpdate(setThemeUpdate, { args: [t.theme] });
          console.log(`theme of ${name} is now: ${accepted}`);
          const after = await handle.query(statusQuery).catch(() => undefined);
          if (after?.moderation && after.moderation.warnings > (before?.moderation?.warnings ?? 0)) {
            console.error(`webtv channel: warning: ${after.moderation.lastWarning}`);
          }
          return 0;
        } catch (err) {
          const rejected = themeRejection(err);
          if (rejected) {
            console.error(`webtv channel: ${rejected.message}`);
            return 1;
          }
          if (err instanceof WorkflowUpdateFailedError) {
            console.error(`webtv channel: theme rejected: ${(err.cause as Error)?.message ?? err.message}`);
            return 1;
          }
          throw err;
        }
      }
      case 'move-air': {
        if (values.to !== undefined) {
          const problem = hostIdProblem(values.to);
          if (problem) throw new UsageError(`--to: ${problem}`);
        }
        try {
          const moved = await handle.executeUpdate(moveAirUpdate, { args: [values.to === undefined ? {} : { host: values.to }] });
          console.log(`${name} now airs from host ${moved.host} (task queue ${moved.queue})${moved.from ? `; it left ${moved.from}` : ''}`);
          return 0;
        } catch (err) {
          if (err instanceof WorkflowUpdateFailedError) {
            console.error(`webtv channel: could not move ${name}'s air: ${(err.cause as Error)?.message ?? err.message}`);
            return 1;
          }
          throw err;
        }
      }
      case 'pause':
      case 'resume':
      case 'skip': {
        await handle.signal({ pause: pauseSignal, resume: resumeSignal, skip: skipSignal }[action]);
        console.log(`${action} sent to ${name}`);
        return 0;
      }
      default: {
        const last = await lastChannelState(client, name);
        if (!last.running && last.state) {
          console.log(values.json ? JSON.stringify({ channel: name, stopped: last.state.stoppedBecause ?? 'stopped', lastState: last.state }, null, 2)
            : `channel   ${name} (stopped: ${last.state.stoppedBecause ?? 'stopped'})\ntheme     ${last.state.theme}\nepisodes  ${last.state.made} made, ${last.state.failed} failed, ${last.state.aired} aired\nstart it again with "webtv channel start ${name}" (it resumes from here)`);
          return 0;
        }
        const status = await handle.query(statusQuery);
        const upcoming = await comingUp(client, name);
        console.log(values.json ? JSON.stringify({ ...status, comingUp: upcoming }, null, 2) : formatStatus(status, Date.now(), upcoming));
        return 0;
      }
    }
  } finally {
    await connection.close();
  }
}

/**
 * Waits (up to a minute) until a just-started channel's initial theme (and show) has a moderation verdict: accepted
 * (with the endpoint-down warning, if any) or refused (the channel fails with ThemeRejected).
 */
async function initialThemeVerdict(handle: WorkflowHandle, show = false, timeoutMs = 60_000): Promise<{ rejected?: string; warning?: string }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { status } = await handle.describe();
    if (status.name === 'FAILED') {
      const err = await handle.result().then(() => undefined, (e: unknown) => e);
      const rejected = themeRejection(err);
      if (rejected) return { rejected: rejected.message };
      // A refused show (ShowRejected) or a bad one (InvalidShow) names the field.
      const cause = (err as { cause?: { type?: string; message?: string } }).cause;
      if (cause?.type === 'ShowRejected' || cause?.type === 'InvalidShow') return { rejected: `the show was not accepted: ${cause.message}` };
      throw err instanceof Error ? err : new Error(String(err));
    }
    if (status.name !== 'RUNNING') return {};
    const s = await handle.query(statusQuery).catch(() => undefined);
    // Channels started before moderation existed have no verdict to wait for.
    // With a show, its verdict too: the status shows it once moderation has passed it.
    if (s && (!s.moderation || s.moderation.themeChecked) && (!show || s.show)) return { warning: s.moderation?.warnings ? s.moderation.lastWarning : undefined };
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  console.error('webtv channel: the initial theme is still being checked; see "webtv channel status"');
  return {};
}
