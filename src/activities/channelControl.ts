// Activities that talk to Temporal about channels: watching a channel's broadcast workflow until it
// closes (so the channel notices a broadcast terminated by hand), and steering a channel through its
// own update and query (workflows cannot send updates or queries to other workflows themselves).
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { broadcastWorkflowId, channelWorkflowId, type ChannelStatus } from '../shared/channel';
import { setThemeUpdate, statusQuery } from '../shared/channelMessages';
import type { ActivityDeps } from './deps';
import { sleep } from './sleep';

export interface BroadcastEnded {
  /** RUNNING never; COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT or NOT_FOUND. */
  status: string;
  closedAt: string | null;
}

export interface ThemeApplied {
  previous: string;
  accepted: string;
  made: number;
  /** Episodes in production when the theme changed: they finish with the old theme. */
  inProduction: number;
}

const POLL_MS = 2_000;

/** Takes the worker's dependencies like every factory, and uses none: it talks to Temporal through the activity's own client. */
export function createChannelControlActivities(_deps: ActivityDeps) {
  /** Returns when broadcast/<channel> (its latest run) is no longer running; heartbeats while it runs. */
  async function watchBroadcast(input: { channel: string }): Promise<BroadcastEnded> {
    const ctx = Context.current();
    const handle = ctx.client.workflow.getHandle(broadcastWorkflowId(input.channel));
    for (;;) {
      try {
        const d = await handle.describe();
        if (d.status.name !== 'RUNNING' && d.status.name !== 'CONTINUED_AS_NEW') {
          return { status: d.status.name, closedAt: d.closeTime?.toISOString() ?? null };
        }
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { status: 'NOT_FOUND', closedAt: null };
        throw err;
      }
      ctx.heartbeat();
      await sleep(POLL_MS, ctx.cancellationSignal);
      if (ctx.cancellationSignal.aborted) await ctx.cancelled;
    }
  }

  /** Sets a channel's theme through its `setTheme` update, so every check of that update applies. */
  async function applyChannelTheme(input: { channel: string; theme: string }): Promise<ThemeApplied> {
    const handle = Context.current().client.workflow.getHandle(channelWorkflowId(input.channel));
    try {
      const before = await handle.query(statusQuery);
      const accepted = await handle.executeUpdate(setThemeUpdate, { args: [input.theme] });
      return { previous: before.theme, accepted, made: before.made, inProduction: before.producing.length };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        throw ApplicationFailure.nonRetryable(`channel ${input.channel} refused the theme: ${(err.cause as Error)?.message ?? err.message}`, 'ThemeRejected');
      }
      if (err instanceof WorkflowNotFoundError) {
        throw ApplicationFailure.nonRetryable(`channel ${input.channel} is not running; start it with "webtv channel start ${input.channel}"`, 'ChannelNotRunning');
      }
      throw err;
    }
  }

  async function channelStatus(input: { channel: string }): Promise<Pick<ChannelStatus, 'theme' | 'made' | 'failed'>> {
    const s = await Context.current().client.workflow.getHandle(channelWorkflowId(input.channel)).query(statusQuery);
    return { theme: s.theme, made: s.made, failed: s.failed };
  }

  return { watchBroadcast, applyChannelTheme, channelStatus };
}
