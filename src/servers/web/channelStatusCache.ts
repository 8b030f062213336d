// The channel's status as the web server last read it, at most one query per second per channel however
// many viewers poll: the page polls every 2 s, and vote checks need the visible suggestions. When a query
// fails (a worker busy past the query timeout), a status read in the last 30 s still answers.
import type { Client } from '@temporalio/client';
import { channelWorkflowId, type ChannelStatus } from '../../shared/channel';
import { statusQuery } from '../../shared/channelMessages';
import { HttpError } from './httpError';

const FRESH_MS = 1000;
const STALE_OK_MS = 30_000;

export class ChannelStatusCache {
  private readonly pending = new Map<string, { at: number; status: Promise<ChannelStatus> }>();
  private readonly lastGood = new Map<string, { at: number; status: ChannelStatus }>();

  constructor(private readonly client: Client) {}

  /** The channel's status, no older than a second (or fresh when `fresh`); 503 when the channel does not answer. */
  get(channel: string, fresh = false): Promise<ChannelStatus> {
    const hit = this.pending.get(channel);
    if (hit && !fresh && Date.now() - hit.at < FRESH_MS) return hit.status;
    const at = Date.now();
    const status = this.client.workflow.getHandle(channelWorkflowId(channel)).query(statusQuery).then(
      (s) => {
        this.lastGood.set(channel, { at, status: s });
        return s;
      },
      (err: Error) => {
        if (this.pending.get(channel)?.status === status) this.pending.delete(channel);
        const good = this.lastGood.get(channel);
        if (good && Date.now() - good.at < STALE_OK_MS) return good.status;
        throw new HttpError(503, `channel ${channel} is not answering right now: is it started and is a worker running?`, err);
      },
    );
    this.pending.set(channel, { at, status });
    return status;
  }

  /** Forgets a channel's status so the next read sees a change the caller just made. */
  invalidate(channel: string): void {
    this.pending.delete(channel);
  }
}
