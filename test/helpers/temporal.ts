// Starts the real Temporal dev server (pinned CLI, SQLite in a temp dir) for one test file, and real
// workers against it on fresh task queues. Everything started here is stopped by `stop()`.
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startDevServer, type DevServer } from '../../src/servers/temporalDevServer';
import { createWorker, workflowsPath, type WebtvWorker } from '../../src/workers/worker';
import type { Role } from '../../src/shared/taskQueues';
import type { ActivityDeps } from '../../src/activities/deps';

export interface TestTemporal {
  server: DevServer;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  tmpDir: string;
  /** A worker on a fresh task queue, running until stop(). */
  startWorker(deps: ActivityDeps, opts?: { taskQueue?: string; roles?: readonly Role[] }): Promise<{ worker: WebtvWorker; taskQueue: string; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

let bundlePromise: Promise<WorkflowBundleWithSourceMap> | undefined;
/** One webpack bundle of the workflows per test process. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundlePromise ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  return bundlePromise;
}

const quietLogger = {
  log() {}, trace() {}, debug() {}, info() {}, warn() {},
  error(msg: string, meta?: unknown) { console.error(msg, meta ?? ''); },
};

export async function startTemporal(): Promise<TestTemporal> {
  // The workers' expected warnings (failed attempts the tests cause on purpose) would bury the results.
  try {
    Runtime.install({ logger: new DefaultLogger(process.env.WEBTV_TEST_LOG_LEVEL === 'debug' ? 'DEBUG' : 'ERROR') });
  } catch {
    // Already installed in this process.
  }
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-test-'));
  const server = await startDevServer({ dbFile: path.join(tmpDir, 'temporal.db') });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const workers: { stop(): Promise<void> }[] = [];
  return {
    server, client, connection, nativeConnection, tmpDir,
    async startWorker(deps, opts = {}) {
      const taskQueue = opts.taskQueue ?? `test-${randomUUID()}`;
      const worker = await createWorker({ connection: nativeConnection, taskQueue, deps, workflowBundle: await workflowBundle(), ...(opts.roles ? { roles: opts.roles } : {}) });
      const running = worker.run();
      const handle = {
        worker, taskQueue,
        async stop() {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running.catch(() => {});
        },
      };
      workers.push(handle);
      return handle;
    },
    async stop() {
      for (const w of workers) await w.stop();
      await nativeConnection.close();
      await connection.close();
      await server.stop();
      if (!process.env.WEBTV_KEEP_TEST_DIRS) fs.rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}

export { waitFor } from './wait';
