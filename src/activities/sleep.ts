// Waiting inside an activity: the activity's polls (a Space waking, a broadcast still running) wait here.

/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as it is aborted (at once if it already
 * is). Rejecting, not resolving early: an abort means the activity is cancelled, and a poll that went on
 * would ask the Hub or Temporal once more for nothing. In an activity the reason is the CancelledFailure that
 * `Context.cancelled` rejects with, so a loop that awaited `cancelled` after an early wake ends the same way.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal?.reason ?? new Error('aborted')); };
    if (signal?.aborted) onAbort(); else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
