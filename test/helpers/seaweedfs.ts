// Starts SeaweedFS (`weed mini`: master, volume, filer and S3 in one process) as the real S3 server of a
// test: the pinned binary (scripts/install-seaweedfs.sh), every port chosen free and bound to 127.0.0.1, a
// temp data directory, and credentials in its environment (so it refuses anonymous and wrong ones). It can
// be stopped and started again on the same ports and data; `cleanup()` kills it and removes everything.
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { execa, type ResultPromise } from 'execa';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/servers/temporalDevServer';
import { waitFor } from './wait';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TestSeaweed {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  dir: string;
  logFile: string;
  /** The environment a worker needs to use this bucket (WEBTV_STORE and the AWS variables). */
  env(prefix?: string): NodeJS.ProcessEnv;
  /** A client for the test's own checks. */
  client(): S3Client;
  stop(): Promise<void>;
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

let binary: Promise<string> | undefined;
export function weedPath(): Promise<string> {
  binary ??= execa(path.join(repoRoot, 'scripts/install-seaweedfs.sh'), [], { stderr: 'inherit' }).then((r) => r.stdout.trim().split('\n').pop()!);
  return binary;
}

/** The admin server's worker dials admin.port + 10000 whatever admin.port.grpc says, so both must be free. */
async function adminPorts(): Promise<[number, number]> {
  for (;;) {
    const p = await freePort();
    if (p + 10_000 > 65_535) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer().once('error', () => resolve(false));
      srv.listen(p + 10_000, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return [p, p + 10_000];
  }
}

export async function startSeaweed(opts: { bucket?: string } = {}): Promise<TestSeaweed> {
  const bin = await weedPath();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-seaweed-'));
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir);
  const logFile = path.join(dir, 'weed.log');
  const bucket = opts.bucket ?? 'webtv';
  const accessKeyId = 'webtv-test';
  const secretAccessKey = `secret-${Math.random().toString(36).slice(2)}`;
  const ports: Record<string, number> = {};
  for (const name of ['master.port', 'master.port.grpc', 'volume.port', 'volume.port.grpc', 'filer.port', 'filer.port.grpc', 's3.port', 's3.port.grpc']) ports[name] = await freePort();
  [ports['admin.port'], ports['admin.port.grpc']] = await adminPorts();
  const args = [
    'mini', `-dir=${dataDir}`, '-ip=127.0.0.1', '-ip.bind=127.0.0.1', `-bucket=${bucket}`,
    ...Object.entries(ports).map(([k, v]) => `-${k}=${v}`),
    // Nothing else listens: no Iceberg/Lance catalogs, WebDAV or admin UI; no telemetry calls out.
    '-s3.port.iceberg=0', '-s3.port.lance=0', '-webdav=false', '-admin.ui=false', '-master.telemetry=false',
  ];
  const endpoint = `http://127.0.0.1:${ports['s3.port']}`;
  let child: ResultPromise | undefined;
  const clients: S3Client[] = [];
  const client = () => {
    const c = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    clients.push(c);
    return c;
  };

  async function start(): Promise<void> {
    const proc = execa(bin, args, {
      cwd: dir,
      // Its own HOME: no ~/.seaweedfs configuration of the machine applies.
      env: { PATH: process.env.PATH, HOME: dir, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey },
      extendEnv: false,
      stdout: { file: logFile, append: true },
      stderr: { file: logFile, append: true },
      reject: false,
      cleanup: true,
    });
    child = proc;
    const exited = proc.then((r) => {
      throw new Error(`weed mini exited (${r.exitCode ?? r.signal}) before it was ready; see ${logFile}`);
    });
    exited.catch(() => {});
    const probe = client();
    await Promise.race([
      waitFor(`SeaweedFS S3 at ${endpoint} with bucket ${bucket}`, () => probe.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 })).then(() => true), 60_000, 200),
      exited,
    ]);
  }

  async function stop(): Promise<void> {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await c;
    clearTimeout(t);
  }

  await start().catch(async (err) => {
    await stop();
    throw err;
  });
  return {
    endpoint, bucket, accessKeyId, secretAccessKey, dir, logFile,
    env: (prefix = '') => ({
      WEBTV_STORE: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_REGION: 'us-east-1',
    }),
    client,
    stop,
    start,
    async cleanup() {
      for (const c of clients) c.destroy();
      await stop();
      if (!process.env.WEBTV_KEEP_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
