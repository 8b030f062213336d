// `webtv dev`: the embedded default — the Temporal dev server (cached pinned CLI, SQLite under the data
// directory, Web UI) and a worker — until Ctrl-C.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readSettings } from '../../config/settings';
import { startDevServer } from '../../servers/temporalDevServer';
import { connectWorker, devServerTarget } from '../../temporal/connection';
import { activityDepsFromEnv } from '../../workers/deps';
import { createWorker, installWorkerRuntime } from '../../workers/worker';
import { preflightPasses } from '../../preflight/index';
import { fontFileFromEnv } from '../../config/media';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string', default: '7233' }, 'ui-port': { type: 'string', default: '8233' } }, strict: true });
  const settings = readSettings();
  const port = Number(values.port);
  const uiPort = Number(values['ui-port']);
  if (!(await preflightPasses('dev', {
    media: true,
    fontFile: fontFileFromEnv(),
    ports: [
      { port, host: '127.0.0.1', what: 'Temporal dev server', variable: '--port' },
      { port: uiPort, host: '127.0.0.1', what: 'Temporal Web UI', variable: '--ui-port' },
    ],
  }))) return 1;
  installWorkerRuntime(settings);
  const server = await startDevServer({
    dbFile: path.join(settings.dataDir, 'temporal', 'webtv.db'),
    port,
    uiPort,
  });
  console.error(`Temporal dev server at ${server.address}; Web UI at ${server.uiUrl}`);
  const connection = await connectWorker(devServerTarget(server.address));
  const worker = await createWorker({ connection, taskQueue: settings.taskQueue, airHost: settings.airHost, deps: activityDepsFromEnv(settings.dataDir) });
  console.error(`worker (${worker.roles.join(', ')}) on task queues ${worker.queues.map((q) => q.taskQueue).join(', ')}, data in ${settings.dataDir}. Ctrl-C stops everything.`);
  // The SDK's worker shuts down on SIGINT/SIGTERM by itself; then the server goes.
  await worker.run();
  await connection.close();
  await server.stop();
  return 0;
}
