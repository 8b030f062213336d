// `webtv worker`: a worker on the task queue, against the Temporal Service at TEMPORAL_ADDRESS.
import { NativeConnection } from '@temporalio/worker';
import { parseArgs } from 'node:util';
import { readSettings } from '../../config';
import { activityDepsFromEnv } from '../../workers/deps';
import { createWorker, installWorkerLogging } from '../../workers/worker';
import { fontFileFromEnv, preflightPasses } from '../../preflight/index';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'task-queue': { type: 'string' } }, strict: true });
  const settings = readSettings();
  if (!(await preflightPasses('worker', { media: true, fontFile: fontFileFromEnv() }))) return 1;
  installWorkerLogging();
  const taskQueue = values['task-queue'] ?? settings.taskQueue;
  const connection = await NativeConnection.connect({ address: settings.temporalAddress }).catch((err) => {
    throw new Error(`cannot reach Temporal at ${settings.temporalAddress} (${err.message}); start it with "webtv dev" or set TEMPORAL_ADDRESS`);
  });
  const worker = await createWorker({ connection, namespace: settings.namespace, taskQueue, deps: activityDepsFromEnv(settings.dataDir) });
  console.error(`worker on task queue "${taskQueue}" at ${settings.temporalAddress}, data in ${settings.dataDir}`);
  await worker.run();
  await connection.close();
  return 0;
}
