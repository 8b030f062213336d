// What `webtv spaces check` asks of each configured app: can we connect, which Gradio and protocol,
// and does the endpoint's signature match our params mapping and output setting. Never submits a job.
import type { BackendSpec } from '../backends';
import { connectApp, endpointParams, signatureProblems, type AppConnection } from './connection';
import { DEAD_STAGES, WAIT_STAGES, deadStageText, isSpaceId, readSpaceRuntime, resolveSpaceHost, wake } from './space';
import { parseGradioSpec, type GradioCapability } from './spec';

export interface CapabilityCheck {
  capability: GradioCapability;
  kind: string;
  app?: string;
  endpoint?: string;
  reachable?: boolean;
  /** A Space's stage on the Hub (RUNNING, SLEEPING, PAUSED…) and hardware; absent for self-hosted URLs. */
  stage?: string;
  hardware?: string;
  gradio?: string;
  protocol?: string;
  /** e.g. "/run(prompt, seed, num_frames, num_inference_steps) -> Video" */
  signature?: string;
  ok: boolean;
  problems: string[];
}

export async function checkCapability(capability: GradioCapability, spec: BackendSpec, timeoutMs = 30_000): Promise<CapabilityCheck> {
  if (spec.kind !== 'gradio') return { capability, kind: spec.kind, ok: true, problems: [] };
  const base: CapabilityCheck = { capability, kind: 'gradio', app: String(spec.app ?? ''), ok: false, problems: [] };
  let call;
  try {
    call = parseGradioSpec(capability, spec);
  } catch (err) {
    return { ...base, problems: [(err as Error).message] };
  }
  base.endpoint = call.endpoint;
  let url = call.app;
  if (isSpaceId(call.app)) {
    const space = await spaceStage(call.app, timeoutMs);
    Object.assign(base, { stage: space.stage, hardware: space.hardware });
    if (!space.host) return { ...base, reachable: false, problems: [space.problem ?? 'the Space is not running'] };
    url = space.host;
  }
  let conn: AppConnection;
  try {
    conn = await connectApp(url, AbortSignal.timeout(timeoutMs));
  } catch (err) {
    const e = err as Error & { type?: string };
    const reachable = e.type === 'GradioLegacyApp' || e.type === 'GradioSignatureMismatch';
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : e.message;
    return { ...base, reachable, problems: [reason] };
  }
  try {
    const problems = signatureProblems(conn, call.endpoint, Object.keys(call.params));
    const info = conn.client.api_info?.named_endpoints?.[call.endpoint];
    let signature: string | undefined;
    if (info) {
      const names = endpointParams(conn, call.endpoint).map((p) => p.parameter_name);
      const returns = info.returns.map((r) => r.component);
      signature = `${call.endpoint}(${names.join(', ')}) -> ${returns.join(', ') || 'nothing'}`;
      const out = returns[call.output];
      if (out === undefined) problems.push(`output ${call.output} does not exist: ${call.endpoint} returns ${returns.length} output(s)`);
      else if (!/video|audio|file/i.test(out)) problems.push(`output ${call.output} is a ${out}, not a file; set "output" to the index of its Video/Audio/File output`);
    }
    return { ...base, reachable: true, gradio: conn.version, protocol: conn.protocol, signature, ok: problems.length === 0, problems };
  } finally {
    conn.close();
  }
}

/** The Space's stage, and its app's URL when it runs; a sleeping Space is asked to wake, never waited for. */
async function spaceStage(space: string, timeoutMs: number): Promise<{ stage?: string; hardware?: string; host?: string; problem?: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  const where = 'the Hub';
  try {
    const runtime = await readSpaceRuntime(space, signal, where);
    const out = { stage: runtime.stage, hardware: runtime.hardware?.current ?? runtime.hardware?.requested ?? undefined };
    if (DEAD_STAGES[runtime.stage]) return { ...out, problem: deadStageText(space, runtime) };
    const host = await resolveSpaceHost(space, signal, where);
    if ((WAIT_STAGES as readonly string[]).includes(runtime.stage)) {
      if (runtime.stage === 'SLEEPING' || runtime.stage === 'STOPPED') await wake(host, signal);
      return { ...out, problem: `Space ${space} is ${runtime.stage}${runtime.stage === 'SLEEPING' || runtime.stage === 'STOPPED' ? ' (asked to wake now)' : ''}: calls wait for it within deadlineSec; run this check again once it is RUNNING to verify its API` };
    }
    return { ...out, host };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}
