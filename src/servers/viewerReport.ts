// Tells each channel how many watch it through this server, so `webtv channel status` shows the count
// from any machine: a `viewers` signal when the count changes (at most every 5 s) and once a minute
// while anyone watches (the channel forgets a report after 150 s, e.g. when this server is gone).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { channelWorkflowId } from '../shared/channel';
import { viewersSignal } from '../shared/channelMessages';
import type { ViewerCount } from './web/viewerCount';

export function startViewerReports(opts: {
  client: Client;
  viewers: ViewerCount;
  /** Channels to report on (e.g. the stack's channel plus those with viewers). */
  channels: () => string[];
  source: string;
  everyMs?: number;
  refreshMs?: number;
}): { stop(): Promise<void> } {
  const last = new Map<string, { count: number; at: number }>();
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    for (const channel of new Set(opts.channels())) {
      const count = opts.viewers.count(channel);
      const prev = last.get(channel);
      const due = !prev || prev.count !== count || (count > 0 && Date.now() - prev.at >= (opts.refreshMs ?? 60_000));
      if (!due) continue;
      try {
        await opts.client.workflow.getHandle(channelWorkflowId(channel)).signal(viewersSignal, { source: opts.source, count, at: new Date().toISOString() });
        last.set(channel, { count, at: Date.now() });
      } catch (err) {
        // A channel that is not running has nobody to tell; try again at the next change.
        if (!(err instanceof WorkflowNotFoundError)) last.delete(channel);
        else last.set(channel, { count, at: Date.now() });
      }
    }
  };
  const timer = setInterval(() => { running = running.then(tick); }, opts.everyMs ?? 5_000);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
