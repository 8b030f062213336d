// Our web server (Fastify): the player page, its scripts (mpegts.js and hls.js served from our own
// node_modules, no CDN), HLS files when the broadcast writes them, and a JSON API over the channel
// workflow's query, updates and signals. Reading, suggesting and voting are open; control needs the
// token from WEBTV_CONTROL_TOKEN. Every POST must come from the page's own origin; every request must name
// a known host (DNS rebinding); responses carry security headers (@fastify/helmet, a CSP allowing the
// page's own scripts and the stream's origin).
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyError } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyHelmet from '@fastify/helmet';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { registerAudienceRoutes } from './audienceRoutes';
import {
  audienceLimitsFromEnv, publicOriginsFromEnv, secretProblem, trustProxyFromEnv, webSecretsFromEnv, type AudienceLimits, type TrustProxy,
} from '../../config/web';
import { ChannelStatusCache } from './channelStatusCache';
import { registerControlRoutes } from './controlRoutes';
import { HttpError } from './httpError';
import { assertSameOrigin } from './sameOrigin';
import { viewerIssuer, viewerOf } from './viewerId';
import { hostAllowList, hostnameOf } from './hostAllowList';
import { VoteGuard, type FlvWatch } from './voteGuard';
import { cachedComingUp } from './comingUp';
import { createChannelMetrics } from './metrics';
import { hlsClientKey, type ViewerCount } from './viewerCount';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export interface WebServerOptions {
  port: number;
  host?: string;
  client: Client;
  /** The channel the page shows when the URL names none. */
  defaultChannel: string;
  /** HTTP-FLV URL of a channel on a host (default: where this server's machine is reached). */
  flvUrl(channel: string, host?: string): string;
  /** The open FLV player session that presented a watch ticket (the RTMP server's `watch`), for vote eligibility. */
  flvWatch?(ticket: string): FlvWatch | null;
  /** Fastify's trustProxy; default WEBTV_TRUST_PROXY (unset: forwarded headers are ignored). */
  trustProxy?: TrustProxy;
  /** The page's public origins; default WEBTV_PUBLIC_ORIGIN. */
  publicOrigins?: URL[];
  /** Folder the broadcast writes HLS into (<hlsDir>/<channel>/index.m3u8), if it does. */
  hlsDir?: string;
  /** Control token; default WEBTV_CONTROL_TOKEN. Without one, control endpoints are refused. */
  controlToken?: string;
  /** Signs viewer cookies; default WEBTV_COOKIE_SECRET, else derived from the control token (so it survives restarts). */
  cookieSecret?: string;
  /** Per-address limits for viewers; default from WEBTV_SUGGESTIONS_PER_IP, WEBTV_VOTES_PER_IP, WEBTV_NEW_VIEWERS_PER_IP, WEBTV_VOTES_PER_ADDRESS, WEBTV_VOTE_AFTER_SEC. */
  audienceLimits?: AudienceLimits;
  log?: (line: string) => void;
  /** Counts viewers (FLV players and HLS clients); HLS segment requests served here are recorded in it. */
  viewers?: ViewerCount;
}

export interface WebServer {
  url: string;
  stop(): Promise<void>;
}

/** Request bodies above this are refused with 413 (the viewer routes set smaller limits of their own). */
const BODY_LIMIT = 64 * 1024;

/** The page's inline stylesheet, allowed by its hash (no 'unsafe-inline'). */
function styleHash(pageFile: string): string {
  const style = /<style>([\s\S]*?)<\/style>/.exec(fs.readFileSync(pageFile, 'utf8'))?.[1] ?? '';
  return `'sha256-${createHash('sha256').update(style).digest('base64')}'`;
}

const files: Record<string, { file: string; type: string }> = {
  '/': { file: path.join(here, 'page.html'), type: 'text/html; charset=utf-8' },
  '/player.js': { file: path.join(here, 'player.js'), type: 'text/javascript; charset=utf-8' },
  '/audience.js': { file: path.join(here, 'audience.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/mpegts.js': { file: require.resolve('mpegts.js/dist/mpegts.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/hls.js': { file: require.resolve('hls.js/dist/hls.min.js'), type: 'text/javascript; charset=utf-8' },
};

function cookieSecretFor(opts: WebServerOptions, token: string): string {
  const given = opts.cookieSecret ?? webSecretsFromEnv().cookieSecret;
  if (given !== undefined) {
    const problem = secretProblem('WEBTV_COOKIE_SECRET', given);
    if (problem) throw new Error(problem);
    return given;
  }
  return token ? createHmac('sha256', token).update('webtv viewer cookie').digest('base64url') : randomBytes(32).toString('base64url');
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.controlToken ?? webSecretsFromEnv().controlToken ?? '';
  const tokenProblem = token ? secretProblem('WEBTV_CONTROL_TOKEN', token) : null;
  if (tokenProblem) throw new Error(tokenProblem);
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((line: string) => console.warn(line));
  const trustProxy = opts.trustProxy ?? trustProxyFromEnv();
  const publicOrigins = opts.publicOrigins ?? publicOriginsFromEnv();
  const limits = opts.audienceLimits ?? audienceLimitsFromEnv();
  const app = Fastify({
    bodyLimit: BODY_LIMIT, logger: false,
    // A hop count trusts that many proxies nearest to us (Fastify's own meaning of a number).
    trustProxy: typeof trustProxy === 'number' ? (_addr: string, hop: number) => hop < trustProxy : trustProxy,
  });
  await app.register(fastifyCookie, { secret: cookieSecretFor(opts, token) });
  await app.register(fastifyRateLimit, { global: false });

  const hostAllowed = hostAllowList(host, publicOrigins);
  app.addHook('onRequest', async (req) => {
    if (!hostAllowed(req.headers.host)) {
      throw new HttpError(421, 'this server does not answer for that host name: its operator can add it to WEBTV_PUBLIC_ORIGIN');
    }
    if (req.method === 'POST') assertSameOrigin(req);
  });

  /** The FLV URL for a page loaded through `hostHeader`: its public origin's (HTTPS: the proxy's /live/), else that host's FLV port. */
  const flvUrlOn = (hostHeader: string | undefined, channel: string): string => {
    const pub = publicOrigins.find((o) => o.host === hostHeader) ?? (publicOrigins.length && !hostHeader ? publicOrigins[0] : undefined);
    if (pub?.protocol === 'https:') return `${pub.origin}/live/${channel}.flv`;
    const name = hostnameOf(pub?.host ?? hostHeader);
    if (!name || !hostAllowed(hostHeader ?? pub?.host)) return opts.flvUrl(channel);
    return opts.flvUrl(channel, name.includes(':') ? `[${name}]` : name);
  };
  const flvOrigin = (req: IncomingMessage) => {
    try { return new URL(flvUrlOn(req.headers.host, opts.defaultChannel)).origin; } catch { return "'self'"; }
  };
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", styleHash(files['/'].file)],
        imgSrc: ["'self'", 'data:'],
        // MSE plays from blob: URLs; hls.js runs its demuxer in a blob: worker; the FLV stream is fetched from its own origin.
        mediaSrc: ["'self'", 'blob:'],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", (req) => flvOrigin(req as IncomingMessage)],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    // HSTS belongs to whatever terminates TLS (the reverse proxy, docs/broadcast.md).
    strictTransportSecurity: false,
  });

  const guard = new VoteGuard({
    votesPerAddress: limits.votesPerAddress, voteAfterSec: limits.voteAfterSec, flvWatch: opts.flvWatch,
    // Behind a proxy the FLV server sees the proxy's address, not the viewer's.
    flvAddressComparable: trustProxy === false,
  });
  const ensureViewer = viewerIssuer(app, limits.newViewersPerIpPerMinute);

  // Responses say what to do, never what failed inside (messages of Temporal, the file system, a library):
  // those go to the log.
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    let message: string;
    if (err instanceof HttpError) message = err.message;
    else if ((err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = 'request body is too large: send only the fields the endpoint names';
    else if (status === 429) message = 'too many requests: try again in a minute';
    else if (status < 500) message = 'bad request: send what the endpoint names, as JSON';
    else message = 'internal error: the server logged it; try again in a moment';
    const internal = err instanceof HttpError ? err.internal : status >= 500 ? err : undefined;
    if (internal) log(`${req.method} ${req.url.split('?')[0]} → ${status}: ${internal.message}`);
    reply.code(status).header('cache-control', 'no-store').send({ error: message });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: `not found: ${req.method} ${req.url.split('?')[0]}` });
  });

  for (const [route, f] of Object.entries(files)) {
    app.get(route, async (req, reply) => {
      if (route === '/') await ensureViewer(req, reply);
      return reply.type(f.type).header('cache-control', 'no-cache').send(fs.createReadStream(f.file));
    });
  }
  app.get<{ Params: { channel: string; file: string } }>('/hls/:channel/:file', async (req, reply) => {
    const { channel, file } = req.params;
    const ext = /^[A-Za-z0-9_.-]+\.(m3u8|ts)$/.exec(file)?.[1];
    if (!opts.hlsDir || !ext || !/^[a-z0-9_-]+$/.test(channel)) throw new HttpError(404, 'no such HLS file');
    const full = path.join(opts.hlsDir, channel, file);
    if (!fs.existsSync(full)) throw new HttpError(404, 'no such HLS file (yet)');
    if (ext === 'ts') {
      opts.viewers?.hlsSegment(channel, hlsClientKey(req.headers, req.ip));
      const viewer = viewerOf(req);
      if (viewer) guard.sawWatching(viewer, req.ip);
    }
    return reply.type(ext === 'm3u8' ? 'application/vnd.apple.mpegurl' : 'video/mp2t').header('cache-control', 'no-cache')
      .send(fs.createReadStream(full));
  });

  const statuses = new ChannelStatusCache(opts.client);
  registerControlRoutes(app, {
    client: opts.client, statuses, defaultChannel: opts.defaultChannel, hlsDir: opts.hlsDir, token,
    comingUp: cachedComingUp(opts.client), viewers: opts.viewers,
    flvUrlFor: async (req, reply, channel) => {
      const url = new URL(flvUrlOn(req.headers.host, channel));
      const viewer = await ensureViewer(req, reply);
      if (viewer) url.searchParams.set('watch', guard.watchTicket(viewer, req.ip));
      return url.toString();
    },
  });
  const metrics = createChannelMetrics({ client: opts.client, statuses, defaultChannel: opts.defaultChannel, viewers: opts.viewers });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).header('cache-control', 'no-store').send(await metrics.metrics()));
  const audience = registerAudienceRoutes(app, {
    client: opts.client, statuses, defaultChannel: opts.defaultChannel, limits, guard, ensureViewer, log,
  });

  try {
    await app.listen({ port: opts.port, host });
  } catch (err) {
    throw new Error((err as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? `web port ${opts.port} on ${host} is already in use: stop whatever uses it or set WEBTV_WEB_PORT`
      : (err as Error).message);
  }
  const shown = host === '0.0.0.0' ? 'localhost' : host;
  return {
    url: `http://${shown}:${opts.port}`,
    stop: async () => {
      await audience.stop().catch((err) => log(`votes not delivered at stop: ${(err as Error).message}`));
      // Players hold long requests open (HLS); close them rather than wait.
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
