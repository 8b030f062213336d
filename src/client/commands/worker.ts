// `webtv worker`: a worker on the task queue, against the Temporal Service the environment or profile names.
import { parseArgs } from 'node:util';
import { readSettings } from '../../config';
import { connectWorker, temporalTarget } from '../../temporal/connection';
import { activityDepsFromEnv } from '../../workers/deps';
import { createWorker, installWorkerRuntime } from '../../workers/worker';
import { fontFileFromEnv, preflightPasses } from '../../preflight/index';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'task-queue': { type: 'string' } }, strict: true });
  const settings = readSettings();
  if (!(await preflightPasses('worker', { media: true, fontFile: fontFileFromEnv() }))) return 1;
  installWorkerRuntime(settings);
  const taskQueue = values['task-queue'] ?? settings.taskQueue;
  const target = temporalTarget();
  const connection = await connectWorker(target);
  const worker = await createWorker({ connection, namespace: target.namespace, taskQueue, deps: activityDepsFromEnv(settings.dataDir) });
  console.error(`worker on task queue "${taskQueue}" at ${target.describe}, data in ${settings.dataDir}`);
  await worker.run();
  await connection.close();
  return 0;
}
