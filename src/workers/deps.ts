// What a worker process needs, from its environment (read by src/config): where files live, which backends
// it can run, the OpenAI-compatible server for the shot-list writer, the moderation endpoint, and where the
// on-air ffmpeg publishes.
import type { ActivityDeps } from '../activities/deps';
import { defaultBackends } from '../activities/backends/registry';
import { broadcastFromEnv } from '../config/broadcast';
import { moderationFromEnv, openAiFromEnv } from '../config/models';
import { storeFromEnv } from '../store/index';
import { keepIntermediatesFromEnv } from '../config/media';

/** env: the variables to read (default: this process's). */
export function activityDepsFromEnv(dataDir: string, env?: NodeJS.ProcessEnv): ActivityDeps {
  // Read again at each use (intermediates.ts); a malformed value stops the worker here, before any episode.
  keepIntermediatesFromEnv(env);
  return {
    dataDir,
    backends: defaultBackends(),
    openai: openAiFromEnv(env),
    // A worker started on its own (`webtv worker`) can run broadcasts when told where to publish.
    broadcast: broadcastFromEnv(env),
    moderation: moderationFromEnv(env),
    // WEBTV_STORE (a directory or s3://bucket/prefix) with the AWS variables; a malformed one stops the worker here.
    store: storeFromEnv(dataDir, env),
  };
}
