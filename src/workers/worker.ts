// A worker process: the workflows and the channel-control activities on the base task queue, plus one
// Temporal Worker per role it runs (media, remote, air), each on the role's own queue (src/shared/taskQueues.ts,
// src/workers/roles.ts). All of them share one connection and stop together.
import { DefaultLogger, NativeConnection, Runtime, Worker, type State, type WorkerOptions } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActivityDeps } from '../activities/deps';
import { createActivities } from '../activities/index';
import type { Settings } from '../config/settings';
import { ROLES, hostIdFrom, mediaWorkerId, taskQueues, type Role } from '../shared/taskQueues';
import { CONTROL_ACTIVITIES, ROLE_ACTIVITIES, pick, roleConcurrency } from './roles';

export const workflowsPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../workflows/index.ts');

export interface WorkerSetup {
  connection: NativeConnection;
  namespace?: string;
  /** The base task queue: the workflows run here; the roles' queues are named after it. */
  taskQueue: string;
  deps: ActivityDeps;
  /** Default: all three. */
  roles?: readonly Role[];
  /** This machine's air host id (WEBTV_AIR_HOST); default: its host name. */
  airHost?: string;
  /** Pre-built workflow bundle (tests and benches share one to save the webpack time). */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** The Workers of one process, run and stopped as one. */
export interface WebtvWorker {
  roles: readonly Role[];
  /** Each Temporal Worker's task queue and identity (as the Web UI shows it on every activity it ran). */
  queues: { role: Role | 'workflows'; taskQueue: string; identity: string }[];
  run(): Promise<void>;
  shutdown(): void;
  getState(): State;
}

export async function createWorker(setup: WorkerSetup): Promise<WebtvWorker> {
  const roles = setup.roles ?? ROLES;
  const q = taskQueues(setup.taskQueue);
  const host = setup.airHost ?? hostIdFrom(os.hostname());
  const airQueue = q.airHost(host);
  const mediaQueue = q.mediaWorker(mediaWorkerId(host, createHash('sha256').update(path.resolve(setup.deps.dataDir)).digest('hex')));
  const all = createActivities({
    ...setup.deps,
    ...(roles.includes('air') ? { air: { host, queue: airQueue } } : {}),
    ...(roles.includes('media') ? { media: { queue: mediaQueue } } : {}),
  });
  const common = { connection: setup.connection, namespace: setup.namespace ?? 'default', shutdownGraceTime: '10s' } as const;
  // "webtv-media 1234@box": the role first, so the Web UI's worker identity on each activity says what ran it.
  const identity = (role: string) => `webtv-${role} ${process.pid}@${os.hostname()}`;

  const specs: { role: Role | 'workflows'; options: WorkerOptions }[] = [{
    role: 'workflows',
    options: {
      ...common,
      taskQueue: q.workflows,
      identity: identity('workflows'),
      ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath }),
      activities: pick(all, CONTROL_ACTIVITIES),
      maxConcurrentActivityTaskExecutions: roleConcurrency('control'),
    },
  }];
  for (const role of roles) {
    // Long media activities heartbeat; the grace time lets them finish on Ctrl-C before the worker stops.
    const base = { ...common, identity: identity(role), maxConcurrentActivityTaskExecutions: roleConcurrency(role) };
    if (role === 'air') {
      specs.push({ role, options: { ...base, taskQueue: airQueue, activities: pick(all, ROLE_ACTIVITIES.air) } });
      specs.push({ role, options: { ...base, taskQueue: q.air, activities: pick(all, ['claimAir']), maxConcurrentActivityTaskExecutions: 8 } });
    } else {
      specs.push({ role, options: { ...base, taskQueue: q[role], activities: pick(all, ROLE_ACTIVITIES[role]) } });
      // The episodes that claimed this worker (claimMediaWorker) send their media steps here.
      if (role === 'media') specs.push({ role, options: { ...base, taskQueue: mediaQueue, activities: pick(all, ROLE_ACTIVITIES.media) } });
    }
  }
  const workers = await Promise.all(specs.map((s) => Worker.create(s.options)));
  return {
    roles,
    queues: specs.map((s) => ({ role: s.role, taskQueue: s.options.taskQueue, identity: s.options.identity! })),
    async run() {
      // One Worker failing (e.g. its queue's poller lost for good) stops the others, so the process exits
      // and its supervisor restarts it whole, rather than running on with a role silently gone.
      const runs = workers.map((w) => w.run());
      try {
        await Promise.race(runs.map((r) => r.then(() => { throw new StoppedEarly(); })));
      } catch (err) {
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
        const results = await Promise.allSettled(runs);
        if (!(err instanceof StoppedEarly)) throw err;
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      }
    },
    shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
    getState() {
      const states = workers.map((w) => w.getState());
      return states.find((s) => s !== 'STOPPED') ?? 'STOPPED';
    },
  };
}

class StoppedEarly extends Error {}

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
