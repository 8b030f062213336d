// The RTMP server, node-media-server 4.x started from code (its CLI writes generated secrets into its
// config file). Publishing needs a URL signed with the stream secret; playing HTTP-FLV is open.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import { StreamSessions } from './rtmpSessions';
import { publishSecretFromEnv } from '../config/broadcast';
import { secretProblem } from '../config/web';

const require = createRequire(import.meta.url);

export interface RtmpServerOptions {
  rtmpPort: number;
  httpPort: number;
  bind?: string;
  /** Publish secret; default WEBTV_PUBLISH_SECRET, else generated for this run (never printed). */
  secret?: string;
  /** Where node-media-server keeps its small JSON store. */
  storeDir: string;
  /** node-media-server's own console logging (default: errors only). */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

export interface RtmpServer {
  /** rtmp://host:port/live — what the on-air activity publishes under (it signs the URL). */
  rtmpBase: string;
  secret: string;
  flvUrl(channel: string, host?: string): string;
  /** Players connected to a channel's stream (FLV and RTMP), from the server's session events. */
  viewers(channel: string): number;
  /** The open player session that presented this watch ticket (`?watch=` in its URL), if any. */
  watch(ticket: string): { since: number; address: string | null } | null;
  /** Resolves true once the channel's stream is published (on air), false after `timeoutMs`. */
  waitPublished(channel: string, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** Fails with a clear message when a port is taken (node-media-server would exit the process instead). */
export async function assertPortFree(port: number, host: string, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => reject(new Error(
      err.code === 'EADDRINUSE'
        ? `${what} port ${port} on ${host} is already in use: stop whatever uses it, or choose another port (see docs/broadcast.md)`
        : `${what} port ${port} on ${host}: ${err.message}`,
    )));
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}

function waitListening(server: net.Server | undefined, what: string): Promise<void> {
  if (!server) return Promise.reject(new Error(`node-media-server did not create its ${what} listener`));
  if (server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
}

export async function startRtmpServer(opts: RtmpServerOptions): Promise<RtmpServer> {
  const bind = opts.bind ?? '127.0.0.1';
  await assertPortFree(opts.rtmpPort, bind, 'RTMP');
  await assertPortFree(opts.httpPort, bind, 'HTTP-FLV');
  const secret = opts.secret ?? publishSecretFromEnv() ?? randomBytes(24).toString('hex');
  // node-media-server skips the publish check for an empty secret: refuse short ones before it starts.
  const problem = secretProblem('the publish secret (WEBTV_PUBLISH_SECRET)', secret);
  if (problem) throw new Error(problem);
  fs.mkdirSync(opts.storeDir, { recursive: true });
  const NodeMediaServer = require('node-media-server');
  const logger = require('node-media-server/src/core/logger.js');
  // Its constructor turns logging up to debug; keep our level instead.
  const level = opts.logLevel ?? 'error';
  Object.defineProperty(logger, 'level', { get: () => level, set: () => {}, configurable: true });
  const nms = new NodeMediaServer({
    bind,
    rtmp: { port: opts.rtmpPort },
    http: { port: opts.httpPort },
    store: { path: opts.storeDir },
    record: { auto: false, path: opts.storeDir },
    auth: { publish: true, play: false, secret },
  }, null);
  const sessions = new StreamSessions(require('node-media-server/src/core/context.js').eventEmitter);
  await nms.run();
  await Promise.all([
    waitListening(nms.rtmpServer.tcpServer, 'RTMP'),
    waitListening(nms.httpServer.httpServer, 'HTTP'),
  ]);
  const displayHost = bind === '0.0.0.0' ? 'localhost' : bind;
  return {
    rtmpBase: `rtmp://${bind === '0.0.0.0' ? '127.0.0.1' : bind}:${opts.rtmpPort}/live`,
    secret,
    flvUrl: (channel, host = displayHost) => `http://${host}:${opts.httpPort}/live/${channel}.flv`,
    viewers: (channel) => sessions.viewers(channel),
    watch: (ticket) => sessions.watch(ticket),
    waitPublished: (channel, timeoutMs) => sessions.waitPublished(channel, timeoutMs),
    stop: async () => {
      sessions.detach();
      await nms.stop();
    },
  };
}
