// What `webtv spaces check` asks of each configured app: can we connect, which Gradio and protocol,
// and does the endpoint's signature match our params mapping and output setting. Never submits a job.
import type { BackendSpec, MediaCapability } from '../backends';
import { connectApp, endpointParams, signatureProblems, type AppConnection } from './connection';
import { parseGradioSpec } from './spec';

export interface CapabilityCheck {
  capability: MediaCapability;
  kind: string;
  app?: string;
  endpoint?: string;
  reachable?: boolean;
  gradio?: string;
  protocol?: string;
  /** e.g. "/run(prompt, seed, num_frames, num_inference_steps) -> Video" */
  signature?: string;
  ok: boolean;
  problems: string[];
}

export async function checkCapability(capability: MediaCapability, spec: BackendSpec, timeoutMs = 30_000): Promise<CapabilityCheck> {
  if (spec.kind !== 'gradio') return { capability, kind: spec.kind, ok: true, problems: [] };
  const base: CapabilityCheck = { capability, kind: 'gradio', app: String(spec.app ?? ''), ok: false, problems: [] };
  let call;
  try {
    call = parseGradioSpec(capability, spec);
  } catch (err) {
    return { ...base, problems: [(err as Error).message] };
  }
  base.endpoint = call.endpoint;
  let conn: AppConnection;
  try {
    conn = await connectApp(call.app, AbortSignal.timeout(timeoutMs));
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
