// Rides out a store outage inside the activity: a retryable store failure (unreachable, 5xx, throttling) is
// tried again with backoff, heartbeating, for up to `patienceMs`, instead of spending the activity's few
// attempts, which are meant for the step's own failures (a renderer, a model). A store down for 20 s must
// not fail an episode. Failures a person must fix (credentials, the bucket) are thrown at once.
import { ApplicationFailure } from '@temporalio/common';

export interface OutageOptions {
  signal?: AbortSignal;
  /** Called before each wait, with what failed and when the next try is. */
  onWait?(info: { what: string; error: string; retryInMs: number; waitedMs: number }): void;
  patienceMs?: number;
}

export const STORE_PATIENCE_MS = 120_000;

export async function throughOutage<T>(what: string, op: () => Promise<T>, opts: OutageOptions = {}): Promise<T> {
  const started = Date.now();
  const patience = opts.patienceMs ?? STORE_PATIENCE_MS;
  for (let delay = 1_000; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      return await op();
    } catch (err) {
      const waitedMs = Date.now() - started;
      if (!(err instanceof ApplicationFailure) || err.nonRetryable || waitedMs + delay > patience || opts.signal?.aborted) throw err;
      opts.onWait?.({ what, error: err.message.slice(0, 300), retryInMs: delay, waitedMs });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        opts.signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
      });
    }
  }
}

/** What an activity's context offers (structurally: this module stays free of the Temporal activity API). */
interface ActivityLike {
  cancellationSignal: AbortSignal;
  heartbeat(details?: unknown): void;
  log: { warn(message: string, meta?: Record<string, unknown>): void };
}

/** Waits out a store outage within an activity, logging and heartbeating what it waits for. */
export function storeWaits(ctx: ActivityLike): OutageOptions {
  return {
    signal: ctx.cancellationSignal,
    onWait: (w) => {
      ctx.log.warn('the store failed; trying again', { what: w.what, error: w.error, retryInMs: w.retryInMs });
      ctx.heartbeat({ stage: 'waiting for the store', ...w });
    },
  };
}
