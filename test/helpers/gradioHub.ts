// A local stand-in for the Hugging Face Hub's Space routes, for HF_ENDPOINT: each Space answers its
// runtime in the Hub's documented shape (huggingface_hub's SpaceRuntime / huggingface.js's SpaceRuntime:
// { stage, hardware: { current, requested }, errorMessage, gcTimeout, … }) and its host, as the Hub does
// for @gradio/client. A Space's stage comes from a function the test gives, so it can follow what
// happened (e.g. stay SLEEPING until its app has been asked for its page). Unknown Spaces answer 404
// the way the Hub does.
import http from 'node:http';
import { freePort } from '../../src/servers/temporalDevServer';

export interface FakeSpace {
  /** Where its app is served (the fixture's URL). */
  host: string;
  stage(): Promise<string> | string;
  hardware?: string;
  errorMessage?: string;
}

export interface HubRequest { path: string; authorization?: string }

export interface FakeHub {
  url: string;
  requests: HubRequest[];
  /** The runtime requests made for one Space. */
  runtimeRequests(space: string): HubRequest[];
  stop(): Promise<void>;
}

export async function startFakeHub(spaces: Record<string, FakeSpace>): Promise<FakeHub> {
  const requests: HubRequest[] = [];
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://hub').pathname;
    requests.push({ path, authorization: req.headers.authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const m = /^\/api\/spaces\/([^/]+\/[^/]+)\/(runtime|host)$/.exec(path);
    const space = m ? spaces[m[1]] : undefined;
    if (req.method !== 'GET' || !m || !space) return send(404, { error: 'Repository not found' });
    try {
      if (m[2] === 'host') {
        return send(200, { subdomain: m[1].replace('/', '-').toLowerCase(), host: space.host.replace(/\/$/, '') });
      }
      const stage = await space.stage();
      const hardware = space.hardware ?? 't4-small';
      return send(200, {
        stage,
        hardware: { current: stage === 'RUNNING' ? hardware : null, requested: hardware },
        storage: null,
        gcTimeout: 3600,
        replicas: { current: 1, requested: 1 },
        devMode: false,
        domains: [{ domain: `${m[1].replace('/', '-').toLowerCase()}.hf.space`, stage: 'READY' }],
        sdk: 'gradio',
        sdkVersion: '6.31.0',
        ...(space.errorMessage ? { errorMessage: space.errorMessage } : {}),
      });
    } catch (err) {
      return send(500, { error: String(err) });
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    runtimeRequests: (space) => requests.filter((r) => r.path === `/api/spaces/${space}/runtime`),
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
