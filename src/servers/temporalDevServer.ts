// Finds (installing on first use) the pinned Temporal CLI and runs its dev server: one process with the
// Temporal Service, a SQLite file for durability, and the Web UI.
import { execa, type ResultPromise } from 'execa';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { devServerSearchAttributeFlags } from '../shared/searchAttributes';
import { temporalCliPathFromEnv } from '../config/temporal';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Path of the Temporal CLI: TEMPORAL_CLI_PATH, else the cached pinned version (installed if missing). */
export async function temporalCliPath(): Promise<string> {
  const fromEnv = temporalCliPathFromEnv();
  if (fromEnv) return fromEnv;
  const { stdout } = await execa(path.join(repoRoot, 'scripts/install-temporal.sh'), [], { stderr: 'inherit' });
  return stdout.trim().split('\n').pop()!;
}

/**
 * A port free now on 127.0.0.1, for a server that binds it next. Picked below Linux's ephemeral range
 * (32768–60999): a port handed out by the kernel (bind to 0, as the Temporal dev server does for its inner
 * services) is never one of these, so no other process is given it between our check and our bind.
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (await canListen(port)) return port;
  }
  return listenOn(0);
}

function canListen(port: number): Promise<boolean> {
  return listenOn(port).then(() => true, () => false);
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      const { port: bound } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(bound));
    });
  });
}

export interface DevServerOptions {
  /** SQLite file; its folder is created. */
  dbFile: string;
  port?: number;
  uiPort?: number;
  ip?: string;
  /** Where the server's own log goes (default: a file beside the database). */
  logFile?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  process: ResultPromise;
  stop(): Promise<void>;
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const bin = await temporalCliPath();
  const port = opts.port ?? (await freePort());
  const uiPort = opts.uiPort ?? (await freePort());
  const ip = opts.ip ?? '127.0.0.1';
  fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  const logFile = opts.logFile ?? `${opts.dbFile}.log`;
  const args = [
    'server', 'start-dev',
    '--db-filename', opts.dbFile,
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--ip', ip,
    '--log-level', 'warn',
    // `webtv channel list` reads channels from visibility by these; another cluster registers them once
    // with `temporal operator search-attribute create` (README, "Operating it").
    ...devServerSearchAttributeFlags,
  ];
  const child = execa(bin, args, {
    stdout: { file: logFile, append: true },
    stderr: { file: logFile, append: true },
    reject: false,
    cleanup: true,
  });
  const address = `${ip}:${port}`;
  const exited = child.then((r) => {
    throw new Error(`Temporal dev server exited (${r.exitCode ?? r.signal}) before it was ready; see ${logFile}`);
  });
  await Promise.race([waitForTemporal(address, 60_000), exited]);
  exited.catch(() => {});
  return {
    address,
    uiUrl: `http://${ip}:${uiPort}`,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await child;
        clearTimeout(t);
      }
    },
  };
}

/** Waits until a Temporal frontend at `address` answers a real gRPC call. */
export async function waitForTemporal(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const conn = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await conn.workflowService.getSystemInfo({});
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not answer within ${timeoutMs} ms: ${String(last)}`);
}
