// `webtv worker [--roles media,remote,air]`: one worker process against the Temporal Service the environment
// or profile names. It runs the workflows, plus the roles asked for, each on its own task queue.
import { parseArgs } from 'node:util';
import { readSettings } from '../../config/settings';
import { connectWorker, temporalTarget } from '../../temporal/connection';
import { activityDepsFromEnv } from '../../workers/deps';
import { createWorker, installWorkerRuntime } from '../../workers/worker';
import { preflightPasses } from '../../preflight/index';
import { fontFileFromEnv } from '../../config/media';
import { ROLES, parseRoles, type Role } from '../../shared/taskQueues';

const USAGE = `usage: webtv worker [--roles media,remote,air] [--task-queue <base>]
  media   offline renderers, the mux, probes (CPU; one slot per core, two over)
  remote  Gradio apps, the OpenAI-compatible writer, moderation (network-bound; many at once)
  air     the on-air ffmpeg, slot swaps and retention of this host's air folder (WEBTV_AIR_HOST names the host)
Default: all three (or WEBTV_ROLES); without WEBTV_RTMP_URL, media and remote. Every worker also runs the workflows.`;

export async function run(argv: string[]): Promise<number> {
  let values: { roles?: string; 'task-queue'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { roles: { type: 'string' }, 'task-queue': { type: 'string' }, help: { type: 'boolean' } }, strict: true }));
  } catch (err) {
    console.error(`webtv worker: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const settings = readSettings();
  let roles: readonly Role[] | undefined = settings.roles;
  if (values.roles !== undefined) {
    try {
      roles = parseRoles(values.roles);
    } catch (err) {
      console.error(`webtv worker: ${(err as Error).message}\n${USAGE}`);
      return 2;
    }
  }
  const deps = activityDepsFromEnv(settings.dataDir);
  // An air worker that cannot publish would take channels' air and fail every onAir: asked for, it is an
  // error; by default, a worker without WEBTV_RTMP_URL runs the other roles.
  if (!deps.broadcast) {
    if (roles?.includes('air')) {
      console.error('webtv worker: the air role publishes the stream: set WEBTV_RTMP_URL (e.g. rtmp://media-host:1935/live) and WEBTV_PUBLISH_SECRET, or run the other roles (--roles media,remote)');
      return 2;
    }
    if (!roles) {
      roles = ROLES.filter((r) => r !== 'air');
      console.error('webtv worker: no WEBTV_RTMP_URL, so no air role: running media and remote');
    }
  }
  roles ??= ROLES;
  // A remote-only worker runs no heavy ffmpeg, but it still probes what the apps return.
  if (!(await preflightPasses('worker', { media: true, fontFile: fontFileFromEnv(), store: deps.store }))) return 1;
  installWorkerRuntime(settings);

  const taskQueue = values['task-queue'] ?? settings.taskQueue;
  const target = temporalTarget();
  const connection = await connectWorker(target);
  const worker = await createWorker({
    connection, namespace: target.namespace, taskQueue, roles, airHost: settings.airHost, deps,
  });
  console.error(`worker (${roles.join(', ')}) at ${target.describe}, data in ${settings.dataDir}; task queues:`);
  for (const q of worker.queues) console.error(`  ${q.taskQueue.padEnd(32)} ${q.role === 'workflows' ? 'workflows, channel control' : q.role}  (identity "${q.identity}")`);
  await worker.run();
  await connection.close();
  return 0;
}
