// One connection to one Gradio app for one activity attempt (a Client is unusable after any broken
// connection, so none is ever reused), and the checks that make a misconfigured app fail fast.
import { Client } from '@gradio/client';
import { failure, classifyAppError } from './failures';
import type { ParamInfo } from './shapes';
import { huggingFace } from '../../../config/huggingFace';

/** A Client that remembers every stream it opens, so closing it closes them all (heartbeat included). */
class ClosableClient extends Client {
  private controllers: AbortController[] = [];
  stream(url: URL) {
    const s = super.stream(url);
    if (this.abort_controller) this.controllers.push(this.abort_controller);
    return s;
  }
  closeAll(): void {
    try { this.close(); } catch { /* already closed */ }
    for (const c of this.controllers ?? []) c.abort();
  }
}

export interface AppConnection {
  client: ClosableClient;
  version: string;
  major: number;
  protocol: string;
  /** Origin files may be downloaded from. */
  origin: string;
  close(): void;
}

const SUPPORTED_PROTOCOLS = ['sse_v1', 'sse_v2', 'sse_v2.1', 'sse_v3'];

function token(): `hf_${string}` | undefined {
  return huggingFace().token;
}

/** Connects (aborting with the signal) and checks version, protocol and API info. */
export async function connectApp(app: string, signal?: AbortSignal): Promise<AppConnection> {
  const where = `Gradio app ${app}`;
  let client: ClosableClient | undefined;
  const connecting = (ClosableClient.connect(app, { events: ['data', 'status', 'log'], token: token() }) as Promise<ClosableClient>)
    .then((c) => { client = c; return c; });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal?.reason ?? new Error('aborted'));
    if (signal?.aborted) onAbort(); else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([connecting, aborted]);
  } catch (err) {
    connecting.then((c) => c.closeAll(), () => {});
    if (signal?.aborted) throw signal.reason ?? err;
    throw classifyAppError(err, `${where}: could not connect`);
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
  const c = client!;
  try {
    return checkApp(c, app);
  } catch (err) {
    c.closeAll();
    throw err;
  }
}

function checkApp(client: ClosableClient, app: string): AppConnection {
  const where = `Gradio app ${app}`;
  const cfg = client.config;
  const version = cfg?.version;
  if (!cfg || !version) {
    throw failure('GradioLegacyApp', `${where} did not report a Gradio version: it is not a Gradio app, or too old; check the URL, or duplicate the Space and upgrade it to Gradio 5 or 6`, false);
  }
  const major = parseInt(version, 10);
  if (major < 4 || /^4\.0\./.test(version)) {
    throw failure('GradioLegacyApp', `${where} runs Gradio ${version}, which @gradio/client 2.x cannot call (3.x speaks WebSockets, 4.0 hangs): duplicate the Space and upgrade it to Gradio 5 or 6, or self-host it`, false);
  }
  const protocol = String(cfg.protocol ?? '');
  if (!SUPPORTED_PROTOCOLS.includes(protocol)) {
    throw failure('GradioLegacyApp', `${where} speaks protocol "${protocol}" (Gradio ${version}); only ${SUPPORTED_PROTOCOLS.join(', ')} are supported: upgrade the app to Gradio 5 or 6`, false);
  }
  if (!client.api_info?.named_endpoints || Object.keys(client.api_info.named_endpoints).length === 0) {
    throw failure('GradioSignatureMismatch', `${where} (Gradio ${version}) exposes no named API endpoints: enable its API (show_api / api_name on the event) or fix the URL`, false);
  }
  const origin = new URL(cfg.root ?? (/^https?:/.test(app) ? app : `https://${app.replace('/', '-').toLowerCase()}.hf.space`)).origin;
  return { client, version, major, protocol, origin, close: () => client.closeAll() };
}

/**
 * Checks our params mapping against the endpoint's view_api signature; returns the problems (empty when
 * it matches). Unmapped parameters with defaults are fine; unmapped required ones and unknown names are not.
 */
export function signatureProblems(conn: AppConnection, endpoint: string, mapped: string[]): string[] {
  const info = conn.client.api_info?.named_endpoints?.[endpoint];
  if (!info) {
    const known = Object.keys(conn.client.api_info?.named_endpoints ?? {});
    return [`endpoint ${endpoint} does not exist; the app has ${known.join(', ') || 'none'}`];
  }
  const params = info.parameters as ParamInfo[];
  const names = params.map((p) => p.parameter_name ?? '');
  const problems: string[] = [];
  for (const m of mapped) if (!names.includes(m)) problems.push(`parameter "${m}" is not one of ${endpoint}'s (${names.join(', ')})`);
  for (const p of params) {
    if (!p.parameter_has_default && !mapped.includes(p.parameter_name ?? '')) {
      problems.push(`required parameter "${p.parameter_name}" of ${endpoint} is not mapped`);
    }
  }
  return problems;
}

export function endpointParams(conn: AppConnection, endpoint: string): ParamInfo[] {
  return (conn.client.api_info?.named_endpoints?.[endpoint]?.parameters ?? []) as ParamInfo[];
}

/** Throws the non-retryable mismatch an operator must fix. */
export function requireSignature(conn: AppConnection, app: string, endpoint: string, mapped: string[]): void {
  const problems = signatureProblems(conn, endpoint, mapped);
  if (problems.length) {
    throw failure('GradioSignatureMismatch', `Gradio app ${app} (Gradio ${conn.version}) does not match the config: ${problems.join('; ')}. Fix endpoint/params in the channel config (run \`webtv spaces check\`), or duplicate the Space with the expected API`, false);
  }
}
