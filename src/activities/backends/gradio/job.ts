// Runs one queued job on a connected app: submit(), heartbeats of queue position / ETA / progress, our
// own deadline, and Temporal cancellation. Aborting closes the client, and a job that never started is
// also taken out of the app's queue by name (job.cancel(): Gradio's /cancel removes a queued event). Gradio
// drops a closed client's queued job only when it notices the closed stream, and twice in CI (under load)
// it had not after 35 s: the job would then have run for nobody once the slot freed. A job that started is
// never cancelled: Gradio's /cancel frees the slot while a sync function runs on, so the next job would run
// beside it. (If it starts in the instant between its last 'queued' message and our cancel, it is cancelled:
// the app's next job may then share the GPU once, which a GPU error retry covers.)
import type { AppConnection } from './connection';
import { appErrorText, classifyAppError, failure } from './failures';

export interface JobOptions {
  endpoint: string;
  args: unknown[] | Record<string, unknown>;
  /** Time left for this job; `deadlineSec` is the whole attempt's deadline, named in the message. */
  deadlineMs: number;
  deadlineSec?: number;
  signal: AbortSignal;
  heartbeat(details: Record<string, unknown>): void;
  where: string;
  /** Why this attempt may wait (our previous attempt's job still holding the app's slot); shown until ours runs. */
  slot?: string;
}

/** Keeps the last state so a quiet wait (a long queue) still heartbeats. */
const HEARTBEAT_EVERY_MS = 1_000;

export async function runJob(conn: AppConnection, opts: JobOptions): Promise<unknown[]> {
  const { where } = opts;
  let last: Record<string, unknown> = { stage: 'submitting', endpoint: opts.endpoint, gradio: conn.version, ...(opts.slot ? { slot: opts.slot } : {}) };
  const beat = (details: Record<string, unknown>) => { last = { ...last, ...details }; opts.heartbeat(last); };
  const ticker = setInterval(() => opts.heartbeat(last), HEARTBEAT_EVERY_MS);

  let rejectAbort!: (e: unknown) => void;
  const aborted = new Promise<never>((_, reject) => { rejectAbort = reject; });
  aborted.catch(() => {});
  let job: ReturnType<AppConnection['client']['submit']> | undefined;
  const abandon = () => {
    if (job && last.stage !== 'running' && last.stage !== 'downloading') void job.cancel().catch(() => {});
    conn.close();
  };
  const deadline = setTimeout(() => {
    abandon();
    const { message, heartbeat } = deadlineOutcome(last, where, opts.deadlineSec ?? opts.deadlineMs / 1000);
    // Heartbeat before failing: Temporal keeps an attempt's last details on the pending activity, so
    // the Web UI shows why the next attempt may wait.
    if (heartbeat) opts.heartbeat((last = { ...last, ...heartbeat }));
    rejectAbort(failure('GradioTimeout', message, true));
  }, opts.deadlineMs);
  const onCancel = () => { abandon(); rejectAbort(opts.signal.reason ?? new Error('cancelled')); };
  if (opts.signal.aborted) onCancel(); else opts.signal.addEventListener('abort', onCancel, { once: true });

  try {
    try {
      job = conn.client.submit(opts.endpoint, opts.args);
    } catch (err) {
      // Unknown endpoint, bad keyword, missing parameter: thrown synchronously, never fixed by retrying.
      throw failure('GradioSignatureMismatch', `${where}: the app refused the call: ${(err as Error).message}; run \`webtv spaces check\``, false);
    }
    const it = job[Symbol.asyncIterator]();
    let data: unknown[] | undefined;
    for (;;) {
      const next = await Promise.race([it.next(), aborted]);
      if (next.done) break;
      const msg = next.value as unknown as Record<string, any>;
      if (msg.type === 'data') {
        data = msg.data as unknown[];
        beat({ stage: 'downloading' });
      } else if (msg.type === 'log') {
        beat({ log: String(msg.log ?? '').slice(0, 200) });
      } else if (msg.type === 'status') {
        if (msg.stage === 'error') throw classifyAppError(appErrorText(msg), where);
        if (msg.stage === 'complete') break;
        if (msg.original_msg === 'process_starts') beat({ stage: 'running', position: 0, slot: undefined });
        else if (msg.progress_data) {
          const p = msg.progress_data[0] ?? {};
          beat({ stage: 'running', slot: undefined, progress: p.progress ?? (p.length ? `${p.index}/${p.length} ${p.unit ?? ''}`.trim() : null), desc: p.desc ?? null });
        } else if (typeof msg.position === 'number' && last.stage !== 'running') {
          beat({ stage: 'queued', position: msg.position, size: msg.size ?? null, eta: msg.eta ?? null });
        }
      }
    }
    if (!data) throw failure('GradioIncomplete', `${where}: the app's stream ended without a result (the server closed it or restarted); retrying on a fresh connection`, true);
    return data;
  } finally {
    clearTimeout(deadline);
    clearInterval(ticker);
    opts.signal.removeEventListener('abort', onCancel);
  }
}

/**
 * What our deadline did, by the job's last state. Closing the client removes a queued job from the app's
 * queue, but a running one goes on: the app cannot stop its function, which keeps the app's slot.
 */
export function deadlineOutcome(last: Record<string, unknown>, where: string, deadlineSec: number): { message: string; heartbeat?: Record<string, unknown> } {
  const limit = `our deadline of ${Math.round(deadlineSec)} s`;
  if (last.stage === 'running') {
    const progress = last.progress ? `, at ${String(last.progress)}` : '';
    const slot = 'our abandoned job is still running on the app and holds its slot until its function returns: the next attempt may wait behind it';
    return {
      message: `${where}: the job was still running when ${limit} passed${progress}; we stopped waiting, but ${slot}. Raise deadlineSec if the app is just slow`,
      heartbeat: { stage: 'deadline passed while running', slot },
    };
  }
  if (last.stage === 'queued') {
    const position = typeof last.position === 'number' ? ` at position ${last.position}${typeof last.size === 'number' ? ` of ${last.size}` : ''}` : '';
    return { message: `${where}: the job was still queued${position} when ${limit} passed; it was dropped from the app's queue and never ran. Raise deadlineSec if the app's queue is just long` };
  }
  if (last.stage === 'downloading') {
    return { message: `${where}: the app had returned its result, but its stream had not ended when ${limit} passed; the job is done and holds nothing on the app. Raise deadlineSec if the app is just slow` };
  }
  return { message: `${where}: the app had not queued the job when ${limit} passed (last state: ${String(last.stage)}); nothing of ours is left on the app. Raise deadlineSec if the app is just slow to answer` };
}
