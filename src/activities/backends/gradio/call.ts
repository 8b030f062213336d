// One call of one capability on the app its spec names: one connection per call (i.e. per activity
// attempt), checked, submitted, downloaded under our name, and always closed.
import { Context } from '@temporalio/activity';
import path from 'node:path';
import type { BackendContext, BackendSpec, Written } from '../backends';
import { connectApp, endpointParams, requireSignature } from './connection';
import { downloadOutput } from './download';
import { runJob } from './job';
import { fileInput, outputFile } from './shapes';
import { awaitSpaceRunning, isSpaceId } from './space';
import { uploadInput } from './upload';
import { OUTPUT_KIND, parseGradioSpec, resolveParams, type GradioCapability } from './spec';
import { huggingFace } from '../../../config/huggingFace';

export interface CallRequest {
  values: Record<string, unknown>;
  /** Our values that are local files to upload (only those the params mapping uses go up). */
  files: Record<string, { path: string; kind: 'video' | 'audio' }>;
  outPath: string;
}

export async function callGradio(capability: GradioCapability, spec: BackendSpec, req: CallRequest, ctx: BackendContext): Promise<Written> {
  const call = parseGradioSpec(capability, spec);
  const where = `${capability} via Gradio app ${call.app} ${call.endpoint}`;
  // One deadline for the attempt: waiting for a Space to wake or build spends it too.
  const deadlineAt = Date.now() + call.deadlineMs;
  let url = call.app;
  if (isSpaceId(call.app)) {
    ctx.heartbeat({ stage: 'asking the Hub', space: call.app });
    url = (await awaitSpaceRunning(call.app, { signal: ctx.signal, heartbeat: ctx.heartbeat, deadlineAt, deadlineSec: call.deadlineMs / 1000, where })).host;
  }
  ctx.heartbeat({ stage: 'connecting', app: call.app });
  const conn = await connectApp(url, ctx.signal);
  try {
    requireSignature(conn, call.app, call.endpoint, Object.keys(call.params));
    const params = endpointParams(conn, call.endpoint);
    const values = { ...req.values };
    for (const [name, file] of Object.entries(req.files)) {
      const target = Object.entries(call.params).find(([, v]) => v === `$${name}`)?.[0];
      if (target === undefined) continue;
      ctx.heartbeat({ stage: 'uploading', app: call.app, file: path.basename(file.path) });
      const uploaded = await uploadInput(conn, file.path, file.kind, where, ctx.signal);
      values[name] = fileInput(uploaded, params.find((p) => p.parameter_name === target), conn.major);
    }
    const named = resolveParams(call.params, values);
    // Positional in the endpoint's order (works on every supported version), defaults for the rest.
    const args = params.map((p) => (p.parameter_name! in named ? named[p.parameter_name!] : p.parameter_default ?? null));
    const data = await runJob(conn, {
      endpoint: call.endpoint, args, deadlineMs: Math.max(1_000, deadlineAt - Date.now()), deadlineSec: call.deadlineMs / 1000,
      signal: ctx.signal, heartbeat: ctx.heartbeat, where, slot: slotHeldByPreviousAttempt(),
    });
    const file = outputFile(data, call.output, where);
    const { probe } = await downloadOutput({
      url: file.url, origin: conn.origin, outPath: req.outPath, maxBytes: call.maxBytes,
      kind: OUTPUT_KIND[capability], signal: ctx.signal, where, token: huggingFace().token,
    });
    ctx.heartbeat({ stage: 'done', app: call.app });
    return probe;
  } finally {
    conn.close();
  }
}

/**
 * When our previous attempt ran out of time while its job was running, that job still holds the app's
 * slot (the app cannot stop it): say so in this attempt's heartbeat, since it may wait behind it.
 * Temporal hands an attempt the previous attempt's last heartbeat; outside an activity there is none.
 */
function slotHeldByPreviousAttempt(): string | undefined {
  let previous: unknown;
  try {
    previous = Context.current().info.heartbeatDetails;
  } catch {
    return undefined;
  }
  const p = previous as { stage?: unknown; slot?: unknown } | undefined;
  return p?.stage === 'deadline passed while running' || (typeof p?.slot === 'string' && p.stage !== 'running')
    ? 'our previous attempt\'s job may still be running on the app and holding its slot until its function returns: this attempt may wait behind it'
    : undefined;
}

