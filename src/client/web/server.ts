// Our small web server: the player page, its scripts (mpegts.js and hls.js served from our own
// node_modules, no CDN), HLS files when the broadcast writes them, and a JSON API over the channel
// workflow's query and update. Reading is open; control needs the token from WEBTV_CONTROL_TOKEN.
import { channelNameProblem } from '../../shared/validation';
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { channelWorkflowId } from '../../shared/channel';
import { pauseSignal, resumeSignal, setThemeUpdate, skipSignal, statusQuery } from '../../shared/channelMessages';
import { cachedComingUp } from './comingUp';
import { hlsClientKey, type ViewerCount } from './viewerCount';
import { waitingFor } from './waitingFor';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export interface WebServerOptions {
  port: number;
  host?: string;
  client: Client;
  /** The channel the page shows when the URL names none. */
  defaultChannel: string;
  /** HTTP-FLV URL of a channel, as the browser reaches it. */
  flvUrl(channel: string): string;
  /** Folder the broadcast writes HLS into (<hlsDir>/<channel>/index.m3u8), if it does. */
  hlsDir?: string;
  /** Control token; default WEBTV_CONTROL_TOKEN. Without one, control endpoints are refused. */
  controlToken?: string;
  /** Counts viewers (FLV players and HLS clients); HLS segment requests served here are recorded in it. */
  viewers?: ViewerCount;
}

export interface WebServer {
  url: string;
  stop(): Promise<void>;
}

const files: Record<string, { file: string; type: string }> = {
  '/': { file: path.join(here, 'page.html'), type: 'text/html; charset=utf-8' },
  '/player.js': { file: path.join(here, 'player.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/mpegts.js': { file: require.resolve('mpegts.js/dist/mpegts.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/hls.js': { file: require.resolve('hls.js/dist/hls.min.js'), type: 'text/javascript; charset=utf-8' },
};

class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: http.IncomingMessage): Promise<any> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new HttpError(413, 'request body is larger than 64 kB');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.controlToken ?? process.env.WEBTV_CONTROL_TOKEN ?? '';
  const host = opts.host ?? '127.0.0.1';
  const comingUp = cachedComingUp(opts.client);

  function channelOf(url: URL): string {
    const name = url.searchParams.get('channel') ?? opts.defaultChannel;
    const problem = channelNameProblem(name);
    if (problem) throw new HttpError(400, problem);
    return name;
  }

  function requireToken(req: http.IncomingMessage): void {
    if (!token) throw new HttpError(403, 'control is disabled on this server: start it with WEBTV_CONTROL_TOKEN set');
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!tokenMatches(given, token)) throw new HttpError(401, 'wrong or missing control token: send "Authorization: Bearer <WEBTV_CONTROL_TOKEN>"');
  }

  async function api(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const channel = channelOf(url);
    const handle = opts.client.workflow.getHandle(channelWorkflowId(channel));
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /api/config') {
      const hls = opts.hlsDir ? `/hls/${channel}/index.m3u8` : null;
      return send(res, 200, { channel, flvUrl: opts.flvUrl(channel), hlsUrl: hls });
    }
    if (route === 'GET /api/status') {
      try {
        const status = await handle.query(statusQuery);
        // Added to the channel's own status: this server's viewer count, the schedule, what the standby waits for.
        const [next, waiting] = await Promise.all([comingUp(channel), waitingFor(opts.client, status)]);
        return send(res, 200, { ...status, viewers: opts.viewers?.count(channel) ?? status.viewers ?? null, comingUp: next, waitingFor: waiting });
      } catch (err) {
        throw new HttpError(503, `channel ${channel} is not answering (${(err as Error).message}); is it started and is a worker running?`);
      }
    }
    if (req.method !== 'POST') throw new HttpError(404, `no such endpoint: ${route}`);
    requireToken(req);
    if (url.pathname === '/api/theme') {
      const body = await readJson(req);
      if (typeof body?.theme !== 'string') throw new HttpError(400, 'send {"theme": "<text>"}');
      // The workflow's update validator decides; its rejection is what the page shows.
      try {
        return send(res, 200, { theme: await handle.executeUpdate(setThemeUpdate, { args: [body.theme] }) });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) throw new HttpError(400, (err.cause as Error)?.message ?? err.message);
        throw new HttpError(503, `could not reach channel ${channel}: ${(err as Error).message}`);
      }
    }
    const signals = { '/api/pause': pauseSignal, '/api/resume': resumeSignal, '/api/skip': skipSignal } as const;
    const signal = signals[url.pathname as keyof typeof signals];
    if (!signal) throw new HttpError(404, `no such endpoint: ${route}`);
    await handle.signal(signal);
    return send(res, 200, { ok: true });
  }

  function serveHls(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void {
    const m = /^\/hls\/([a-z0-9_-]+)\/([A-Za-z0-9_.-]+\.(m3u8|ts))$/.exec(pathname);
    if (!opts.hlsDir || !m) throw new HttpError(404, 'no such HLS file');
    const file = path.join(opts.hlsDir, m[1], m[2]);
    if (!fs.existsSync(file)) throw new HttpError(404, 'no such HLS file (yet)');
    if (m[3] === 'ts') opts.viewers?.hlsSegment(m[1], hlsClientKey(req.headers, req.socket.remoteAddress));
    res.writeHead(200, { 'content-type': m[3] === 'm3u8' ? 'application/vnd.apple.mpegurl' : 'video/mp2t', 'cache-control': 'no-cache' });
    fs.createReadStream(file).pipe(res);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const run = async () => {
      if (url.pathname.startsWith('/api/')) return api(req, res, url);
      if (url.pathname.startsWith('/hls/')) return serveHls(req, res, url.pathname);
      const f = files[url.pathname];
      if (!f || req.method !== 'GET') throw new HttpError(404, `not found: ${url.pathname}`);
      res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-cache' });
      fs.createReadStream(f.file).pipe(res);
    };
    run().catch((err) => {
      if (res.headersSent) return res.destroy();
      send(res, err instanceof HttpError ? err.status : 500, { error: err instanceof HttpError ? err.message : `internal error: ${(err as Error).message}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(
      err.code === 'EADDRINUSE' ? `web port ${opts.port} on ${host} is already in use: stop whatever uses it or set WEBTV_WEB_PORT` : err.message,
    )));
    server.listen(opts.port, host, () => resolve());
  });
  const shown = host === '0.0.0.0' ? 'localhost' : host;
  return {
    url: `http://${shown}:${opts.port}`,
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
