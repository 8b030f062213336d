// Votes go to a channel's workflow in batches, at most one signal per second per channel, so a thousand
// viewers voting make a handful of history events, not a thousand. A batch that cannot be sent goes back
// to the front of the queue and is tried again a second later: an accepted vote is never dropped here.
import type { Vote } from '../../shared/suggestions';

/** Votes per signal: far below Temporal's 2 MB payload limit (a vote is ~50 bytes). */
const BATCH_MAX = 5_000;

interface Queue { votes: Vote[]; lastSentAt: number; timer: NodeJS.Timeout | null; sending: boolean }

export class VoteBatcher {
  private readonly queues = new Map<string, Queue>();
  private stopped = false;

  constructor(
    private readonly send: (channel: string, votes: Vote[]) => Promise<void>,
    private readonly onError: (channel: string, err: Error) => void,
    private readonly intervalMs = 1000,
  ) {}

  add(channel: string, vote: Vote): void {
    let q = this.queues.get(channel);
    if (!q) this.queues.set(channel, (q = { votes: [], lastSentAt: 0, timer: null, sending: false }));
    q.votes.push(vote);
    this.schedule(channel, q);
  }

  private schedule(channel: string, q: Queue): void {
    if (q.timer || q.sending || this.stopped || q.votes.length === 0) return;
    const wait = Math.max(0, q.lastSentAt + this.intervalMs - Date.now());
    q.timer = setTimeout(() => { q.timer = null; void this.flush(channel, q); }, wait);
  }

  private async flush(channel: string, q: Queue): Promise<void> {
    const batch = q.votes.splice(0, BATCH_MAX);
    q.sending = true;
    q.lastSentAt = Date.now();
    try {
      await this.send(channel, batch);
    } catch (err) {
      q.votes.unshift(...batch);
      this.onError(channel, err as Error);
    } finally {
      q.sending = false;
    }
    this.schedule(channel, q);
  }

  /** Sends what is queued now (one batch per channel), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [channel, q] of this.queues) {
      if (q.timer) clearTimeout(q.timer);
      q.timer = null;
      while (q.sending) await new Promise((r) => setTimeout(r, 20));
      if (q.votes.length) await this.send(channel, q.votes.splice(0)).catch((err) => this.onError(channel, err));
    }
  }
}
