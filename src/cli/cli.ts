// `webtv <group> <command> …`: each group lives in its own module under commands/.
import { debugFromEnv } from '../config/settings';

const GROUPS: Record<string, { about: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  episode: { about: 'episode make --theme "…" | --show f   make one episode and print its path', load: () => import('./commands/episode') },
  channel: { about: 'channel start|stop|theme|pause|resume|skip|status|suggestions <name> | list   run and steer channels', load: () => import('./commands/channel') },
  show: { about: 'show set <channel> --file show.json | clear <channel>   direct a channel\'s episodes from a show', load: () => import('./commands/show') },
  schedule: { about: 'schedule add|list <channel> | remove <id>   a programme: themes at set times (Temporal Schedules)', load: () => import('./commands/schedule') },
  worker: { about: 'worker                      run a worker on the task queue (default "webtv")', load: () => import('./commands/worker') },
  dev: { about: 'dev                         Temporal dev server (Web UI on 8233) + a worker, until Ctrl-C', load: () => import('./commands/dev') },
  start: { about: 'start                       everything: Temporal, worker, RTMP, web page, channel "default"', load: () => import('./commands/start') },
  spaces: { about: 'spaces check [--config f]   check the configured Gradio apps', load: () => import('./commands/spaces') },
};

export function usage(): string {
  return ['usage: webtv <command>', '', ...Object.values(GROUPS).map((g) => `  webtv ${g.about}`), '',
    'Environment: TEMPORAL_ADDRESS (localhost:7233) or TEMPORAL_PROFILE, WEBTV_DATA_DIR (./.webtv), WEBTV_TASK_QUEUE (webtv); see README.md.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [group, ...rest] = argv;
  if (!group || group === '--help' || group === '-h' || group === 'help') {
    console.log(usage());
    return group ? 0 : 2;
  }
  const entry = GROUPS[group];
  if (!entry) {
    console.error(`webtv: unknown command "${group}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await entry.load()).run(rest);
  } catch (err) {
    // Expected failures (bad flags, unreachable server) are one line; set WEBTV_DEBUG=1 for the stack.
    console.error(`webtv ${group}: ${err instanceof Error ? err.message : String(err)}`);
    if (debugFromEnv()) console.error(err);
    return 1;
  }
}
