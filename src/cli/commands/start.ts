// `webtv start` (npm start): checks the machine, starts the stack (src/servers/stack.ts) and keeps it up
// until Ctrl-C or SIGTERM.
import { readSettings } from '../../config/settings';
import { preflightPasses } from '../../preflight/index';
import { stackPreflight, startStack } from '../../servers/stack';
import { stackOptionsFromEnv } from '../../config/stack';
import { storeFromEnv } from '../../store/index';
import { installWorkerRuntime } from '../../workers/worker';

export async function run(argv: string[]): Promise<number> {
  if (argv.length > 0) {
    console.error('usage: webtv start   (configure with environment variables; see docs/broadcast.md)');
    return 2;
  }
  // The worker's own INFO lines (webpack, state changes) would bury the URLs; WEBTV_LOG=info brings them back.
  installWorkerRuntime(readSettings());
  const options = stackOptionsFromEnv();
  const store = storeFromEnv(options.dataDir);
  try {
    if (!(await preflightPasses('start', { ...stackPreflight(options), store }))) return 1;
  } finally {
    store.close();
  }
  const stack = await startStack(options);
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      console.log('stopping… (Ctrl-C again to force)');
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await stack.stop();
  return 0;
}
