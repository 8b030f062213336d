// The one general worker: every workflow and activity on one task queue.
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActivities, type ActivityDeps } from '../activities/index';
import type { Settings } from '../config';

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

/**
 * The process's one Temporal runtime: logs at WARN by default (webpack and state lines would bury what
 * matters; WEBTV_LOG=info|debug for more), and the SDK's Prometheus exporter of worker metrics (task slots,
 * poll and schedule-to-start latencies, activity failures) at WEBTV_METRICS_PORT.
 */
export function installWorkerRuntime(settings: Pick<Settings, 'logLevel' | 'metricsAddress'>): void {
  Runtime.install({
    logger: new DefaultLogger(settings.logLevel),
    ...(settings.metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: settings.metricsAddress } } } } : {}),
  });
}
