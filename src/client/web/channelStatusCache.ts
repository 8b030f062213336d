// The channel's status as the web server last read it, at most one query per second per channel however
// many viewers poll: the page polls every 2 s, and vote checks need the visible suggestions.
import type { Client } from '@temporalio/client';
import { channelWorkflowId, type ChannelStatus } from '../../shared/channel';
import { statusQuery } from '../../shared/channelMessages';
import { HttpError } from './httpError';

const FRESH_MS = 1000;

export class ChannelStatusCache {
  private readonly entries = new Map<string, { at: number; status: Promise<ChannelStatus> }>();

  constructor(private readonly client: Client) {}

  /** The channel's status, no older than a second (or fresh when `fresh`); 503 when the channel does not answer. */
  async get(channel: string, fresh = false): Promise<ChannelStatus> {
    const hit = this.entries.get(channel);
    if (hit && !fresh && Date.now() - hit.at < FRESH_MS) return hit.status;
    const status = this.client.workflow.getHandle(channelWorkflowId(channel)).query(statusQuery);
    this.entries.set(channel, { at: Date.now(), status });
    try {
      return await status;
    } catch (err) {
      this.entries.delete(channel);
      throw new HttpError(503, `channel ${channel} is not answering (${(err as Error).message}); is it started and is a worker running?`);
    }
  }

  /** Forgets a channel's status so the next read sees a change the caller just made. */
  invalidate(channel: string): void {
    this.entries.delete(channel);
  }
}
