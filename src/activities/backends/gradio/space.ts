// A Hugging Face Space's stage, read from the Hub before we call its app: a sleeping or building Space
// is waited for (within the attempt's deadline, heartbeating its stage), a paused, broken or missing one
// fails at once and for good, so the episode degrades instead of spending every attempt. Self-hosted
// apps (URLs) have no stage and skip all this.
//
// Hub API, at ${HF_ENDPOINT:-https://huggingface.co} with HF_TOKEN (the Hub's own conventions):
//   GET /api/spaces/<owner>/<name>/runtime → { stage, hardware: { current, requested }, errorMessage?, gcTimeout?, … }
//     (shape as huggingface_hub's SpaceRuntime and huggingface.js's SpaceRuntime type read it)
//   GET /api/spaces/<owner>/<name>/host    → { subdomain, host } (what @gradio/client resolves a Space id with;
//     we ask it ourselves so that HF_ENDPOINT holds for the whole call: the client hard-codes huggingface.co)
// Hand-written over fetch: @huggingface/hub's spaceInfo reads /api/spaces/<id> (with expand fields),
// neither route above, and two GETs validated with zod do not justify the dependency.
import { z } from 'zod';
import { failure } from './failures';
import { huggingFace } from '../../../config/huggingFace';
import { sleep } from '../../sleep';

/** Answers with the app once it is up. */
export const READY_STAGES = ['RUNNING'] as const;
/** On their way up: wait. A sleeping (or stopped) Space wakes on a request to its app. */
export const WAIT_STAGES = ['SLEEPING', 'STOPPED', 'BUILDING', 'RUNNING_BUILDING', 'APP_STARTING', 'RUNNING_APP_STARTING'] as const;
/** Waiting will not help: an operator must act. */
export const DEAD_STAGES: Record<string, string> = {
  PAUSED: 'is paused by its owner: unpause it on its Settings page (or duplicate it), or point the channel at another app',
  RUNTIME_ERROR: 'crashed (RUNTIME_ERROR): read its logs on the Hub, fix or restart it',
  BUILD_ERROR: 'failed to build (BUILD_ERROR): read its build logs on the Hub and fix it',
  CONFIG_ERROR: 'has an invalid configuration (CONFIG_ERROR): fix the README.md header of the Space',
  NO_APP_FILE: 'has no app file (NO_APP_FILE): push its app.py',
  DELETING: 'is being deleted',
};

const runtimeSchema = z.looseObject({
  stage: z.string().min(1),
  hardware: z.looseObject({ current: z.string().nullish(), requested: z.string().nullish() }).nullish(),
  errorMessage: z.string().nullish(),
});
export type SpaceRuntime = z.infer<typeof runtimeSchema>;

const hostSchema = z.looseObject({ host: z.url() });

export function isSpaceId(app: string): boolean {
  return !/^https?:\/\//i.test(app) && /^[\w.-]+\/[\w.-]+$/.test(app);
}

export function hubEndpoint(): string {
  return huggingFace().endpoint;
}

const HUB_TIMEOUT_MS = 15_000;

async function hubGet(space: string, route: 'runtime' | 'host', signal: AbortSignal | undefined, where: string): Promise<unknown> {
  const url = `${hubEndpoint()}/api/spaces/${space}/${route}`;
  const { token } = huggingFace();
  const headers: Record<string, string> = { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const timeout = AbortSignal.timeout(HUB_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    if (signal?.aborted) throw signal.reason ?? err;
    const why = timeout.aborted ? `no answer within ${HUB_TIMEOUT_MS / 1000} s` : `${(err as Error).message}${(err as { cause?: { code?: string } }).cause?.code ? ` (${(err as { cause: { code: string } }).cause.code})` : ''}`;
    throw failure('GradioConnection', `${where}: the Hub at ${hubEndpoint()} did not answer about Space ${space}: ${why}; retrying`, true);
  }
  if (res.status === 404 || res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    const hint = token
      ? 'check the Space id in backends.*.app, and that HF_TOKEN may read it'
      : 'check the Space id in backends.*.app; if the Space is private or gated, set HF_TOKEN';
    throw failure('GradioSpaceNotFound', `${where}: Space ${space} was not found on ${hubEndpoint()} (HTTP ${res.status}): ${hint}`, false);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw failure(res.status === 429 ? 'GradioQuota' : 'GradioConnection', `${where}: the Hub at ${hubEndpoint()} answered HTTP ${res.status} about Space ${space}; retrying`, true);
  }
  try {
    return await res.json();
  } catch {
    throw failure('GradioConnection', `${where}: the Hub at ${hubEndpoint()} answered about Space ${space} with something that is not JSON; retrying`, true);
  }
}

export async function readSpaceRuntime(space: string, signal: AbortSignal | undefined, where: string): Promise<SpaceRuntime> {
  const parsed = runtimeSchema.safeParse(await hubGet(space, 'runtime', signal, where));
  if (!parsed.success) {
    throw failure('GradioConnection', `${where}: the Hub's runtime of Space ${space} has no stage (${parsed.error.issues[0].message}); retrying`, true);
  }
  return parsed.data;
}

/** The URL of the Space's app (e.g. https://owner-name.hf.space). */
export async function resolveSpaceHost(space: string, signal: AbortSignal | undefined, where: string): Promise<string> {
  const parsed = hostSchema.safeParse(await hubGet(space, 'host', signal, where));
  if (!parsed.success) throw failure('GradioConnection', `${where}: the Hub did not say where Space ${space} is served (no host); retrying`, true);
  return parsed.data.host.endsWith('/') ? parsed.data.host : `${parsed.data.host}/`;
}

/** What is wrong with a Space in a stage waiting cannot fix, and what to do. */
export function deadStageText(space: string, runtime: SpaceRuntime): string {
  const detail = runtime.errorMessage ? ` The Hub says: ${runtime.errorMessage.replace(/\s+/g, ' ').slice(0, 300)}` : '';
  return `Space ${space} ${DEAD_STAGES[runtime.stage]}.${detail}`;
}

function deadStageFailure(space: string, runtime: SpaceRuntime, where: string) {
  return failure('GradioSpaceUnavailable', `${where}: ${deadStageText(space, runtime)} Not retried.`, false);
}

/** A request to the app's page is what wakes a sleeping Space; its answer does not matter. */
export async function wake(host: string, signal: AbortSignal | undefined): Promise<void> {
  const { token } = huggingFace();
  const timeout = AbortSignal.timeout(HUB_TIMEOUT_MS);
  await fetch(host, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: signal ? AbortSignal.any([signal, timeout]) : timeout })
    .then((r) => r.body?.cancel(), () => {});
}

export interface SpaceWait {
  signal?: AbortSignal;
  heartbeat(details: Record<string, unknown>): void;
  /** Epoch ms by which the Space must be running (the attempt's deadline). */
  deadlineAt: number;
  deadlineSec: number;
  where: string;
}

/**
 * Waits until the Space runs and returns its app's URL. Polls the Hub every 1…5 s and heartbeats the
 * stage; wakes a sleeping Space once. Fails non-retryably on a stage waiting cannot fix, retryably when
 * the deadline passes first (the next attempt waits on).
 */
export async function awaitSpaceRunning(space: string, o: SpaceWait): Promise<{ host: string; runtime: SpaceRuntime }> {
  const started = Date.now();
  let host: string | undefined;
  let woke = false;
  for (let poll = 1; ; poll++) {
    const runtime = await readSpaceRuntime(space, o.signal, o.where);
    const { stage } = runtime;
    if (DEAD_STAGES[stage]) throw deadStageFailure(space, runtime, o.where);
    host ??= await resolveSpaceHost(space, o.signal, o.where);
    // RUNNING, or a stage newer than this code: let the app answer for itself.
    if (!(WAIT_STAGES as readonly string[]).includes(stage)) return { host, runtime };
    const waitedSec = Math.round((Date.now() - started) / 1000);
    o.heartbeat({ stage: 'waiting for the Space', space, spaceStage: stage, hardware: runtime.hardware?.current ?? runtime.hardware?.requested ?? null, waitedSec });
    if ((stage === 'SLEEPING' || stage === 'STOPPED') && !woke) {
      woke = true;
      await wake(host, o.signal);
    }
    const left = o.deadlineAt - Date.now();
    if (left <= 0) {
      throw failure('GradioSpaceStarting', `${o.where}: Space ${space} was still ${stage} after ${waitedSec} s, when our deadline of ${Math.round(o.deadlineSec)} s passed; retrying (the next attempt waits on). Raise deadlineSec for a Space that takes long to wake or build`, true);
    }
    await sleep(Math.min(poll * 1000, 5000, left), o.signal);
  }
}
