// The one general worker: every workflow and activity on one task queue.
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActivities, type ActivityDeps } from '../activities/index';

export const workflowsPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../workflows/index.ts');

export interface WorkerSetup {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Pre-built workflow bundle (tests and benches share one to save the webpack time). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivityTaskExecutions?: number;
}

export async function createWorker(setup: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection: setup.connection,
    namespace: setup.namespace ?? 'default',
    taskQueue: setup.taskQueue,
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath }),
    activities: createActivities(setup.deps),
    maxConcurrentActivityTaskExecutions: setup.maxConcurrentActivityTaskExecutions ?? 4,
    // Long media activities heartbeat; give them time to finish on Ctrl-C before the worker stops.
    shutdownGraceTime: '10s',
  });
}

/** Worker logs at WARN (webpack and state lines would bury what matters); WEBTV_LOG=info|debug for more. */
export function installWorkerLogging(env: NodeJS.ProcessEnv = process.env): void {
  const level = env.WEBTV_LOG === 'debug' ? 'DEBUG' : env.WEBTV_LOG === 'info' ? 'INFO' : 'WARN';
  Runtime.install({ logger: new DefaultLogger(level) });
}
