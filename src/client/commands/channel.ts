// `webtv channel start|theme|pause|resume|skip|status`: drives a channel workflow through Temporal.
import { channelNameProblem } from '../../shared/validation';
import { Client, Connection, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { readSettings } from '../../config';
import { loadChannelBackends } from '../../activities/gradio/config';
import { channelWorkflowId, type ChannelInput, type ChannelStatus } from '../../shared/channel';
import { pauseSignal, resumeSignal, setThemeUpdate, skipSignal, statusQuery } from '../../shared/channelMessages';
import { checkTheme, themeRejection } from '../../shared/theme';
import type { EpisodeBackends } from '../../shared/types';

const USAGE = `usage:
  webtv channel start <name> [--theme "…"] [--config <file>] [--shots <n>] [--target-ready <n>] [--no-broadcast] [--audience]
  webtv channel theme <name> "<new theme>"
  webtv channel pause|resume|skip <name>
  webtv channel status <name> [--json]
  webtv channel suggestions <name> [remove|ban <id>]   (see "webtv channel suggestions --help")`;

class UsageError extends Error {}

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

export function formatStatus(s: ChannelStatus, now = Date.now()): string {
  const ep = s.onAir?.episode;
  let shot = '';
  if (ep && s.onAir) {
    const total = ep.shots.reduce((a, x) => a + x.durationSec, 0) || ep.durationSec || 1;
    let t = ((now - Date.parse(s.onAir.since)) / 1000) % total;
    shot = ep.shots.find((x) => (t -= x.durationSec) < 0)?.prompt ?? ep.shots.at(-1)?.prompt ?? '';
  }
  const lines = [
    `channel   ${s.channel}${s.paused ? ' (paused: no new episodes)' : ''}`,
    `theme     ${s.theme}`,
    ...(ep?.suggested ? [`          on air now: suggested by a viewer (${ep.theme})`] : []),
    `on air    ${ep ? `episode ${ep.episode}${s.onAir!.reair ? ' (again)' : ''}: ${shot}` : s.onAir ? 'standby clip' : 'not on air yet'}`,
    `next      ${s.next.length ? s.next.map((e) => `episode ${e.episode}`).join(', ') : 'nothing ready'}`,
    `making    ${s.producing.length ? s.producing.map((p) => `episode ${p.episode}`).join(', ') : 'nothing'}`,
    `episodes  ${s.made} made, ${s.failed} failed, ${s.aired} aired, ${s.skipped} skipped`,
    `backends  ${Object.entries(s.backends).map(([k, v]) => `${k}=${v}`).join(' ')}`,
  ];
  if (s.productionVsAir !== null) lines.push(`rate      ${s.productionVsAir} s of episode made per s of air`);
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
      shots: { type: 'string' },
      'target-ready': { type: 'string' },
      json: { type: 'boolean' },
      'no-broadcast': { type: 'boolean' },
      audience: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, nameArg, ...rest] = positionals;
  if (values.help || !action) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (!['start', 'theme', 'pause', 'resume', 'skip', 'status'].includes(action)) throw new UsageError(`unknown action "${action}"`);
  const name = channelArg(nameArg);
  const settings = readSettings();
  const connection = await Connection.connect({ address: settings.temporalAddress, connectTimeout: 5_000 }).catch((err) => {
    throw new Error(`cannot reach Temporal at ${settings.temporalAddress} (${err.message}); start it with "npm start" or set TEMPORAL_ADDRESS`);
  });
  try {
    const client = new Client({ connection, namespace: settings.namespace });
    const handle = client.workflow.getHandle(channelWorkflowId(name));
    switch (action) {
      case 'start': {
        const input: ChannelInput = { channel: name };
        if (values.theme !== undefined) {
          const t = checkTheme(values.theme);
          if (!t.ok) throw new UsageError(t.reason);
          input.theme = t.theme;
        }
        if (values.config) input.backends = loadChannelBackends(values.config) as Partial<EpisodeBackends>;
        input.shots = intOption(values.shots, '--shots');
        input.targetReady = intOption(values['target-ready'], '--target-ready');
        if (values['no-broadcast']) input.broadcast = false;
        if (values.audience) input.audience = true;
        const started = await client.workflow.start('channelWorkflow', {
          taskQueue: settings.taskQueue,
          workflowId: channelWorkflowId(name),
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
        // The channel checks its initial theme first; wait for that verdict so a refusal reaches the operator.
        const verdict = await initialThemeVerdict(started);
        if (verdict.rejected) {
          console.error(`webtv channel: ${verdict.rejected}`);
          return 1;
        }
        console.log(`channel ${name} is running (workflow ${started.workflowId}, task queue ${settings.taskQueue})`);
        if (verdict.warning) console.error(`webtv channel: warning: ${verdict.warning}`);
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
      case 'pause':
      case 'resume':
      case 'skip': {
        await handle.signal({ pause: pauseSignal, resume: resumeSignal, skip: skipSignal }[action]);
        console.log(`${action} sent to ${name}`);
        return 0;
      }
      default: {
        const status = await handle.query(statusQuery);
        console.log(values.json ? JSON.stringify(status, null, 2) : formatStatus(status));
        return 0;
      }
    }
  } finally {
    await connection.close();
  }
}

/**
 * Waits (up to a minute) until a just-started channel's initial theme has a moderation verdict: accepted
 * (with the endpoint-down warning, if any) or refused (the channel fails with ThemeRejected).
 */
async function initialThemeVerdict(handle: WorkflowHandle, timeoutMs = 60_000): Promise<{ rejected?: string; warning?: string }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { status } = await handle.describe();
    if (status.name === 'FAILED') {
      const err = await handle.result().then(() => undefined, (e: unknown) => e);
      const rejected = themeRejection(err);
      if (rejected) return { rejected: rejected.message };
      throw err instanceof Error ? err : new Error(String(err));
    }
    if (status.name !== 'RUNNING') return {};
    const s = await handle.query(statusQuery).catch(() => undefined);
    // Channels started before moderation existed have no verdict to wait for.
    if (s && (!s.moderation || s.moderation.themeChecked)) return { warning: s.moderation?.warnings ? s.moderation.lastWarning : undefined };
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  console.error('webtv channel: the initial theme is still being checked; see "webtv channel status"');
  return {};
}
