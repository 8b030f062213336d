// What a worker process needs, from its environment: where files live, which backends it can run, the
// OpenAI-compatible server for the shot-list writer, and where the on-air ffmpeg publishes. Secrets
// (OPENAI_API_KEY, WEBTV_PUBLISH_SECRET, stream keys in WEBTV_EXTRA_RTMP) stay in the environment.
import type { ActivityDeps } from '../activities/index';
import type { ModerationSettings } from '../activities/moderation/index';
import { defaultBackends } from '../activities/backends/registry';
import { storeFromEnv } from '../store/index';

export function activityDepsFromEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): ActivityDeps {
  const model = env.OPENAI_MODEL;
  return {
    dataDir,
    backends: defaultBackends(),
    openai: model || env.OPENAI_API_KEY || env.OPENAI_BASE_URL
      ? { model: model || 'gpt-4o-mini', apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL }
      : undefined,
    // A worker started on its own (`webtv worker`) can run broadcasts when told where to publish.
    broadcast: env.WEBTV_RTMP_URL
      ? {
        rtmpBase: env.WEBTV_RTMP_URL,
        publishSecret: env.WEBTV_PUBLISH_SECRET,
        hlsDir: env.WEBTV_HLS_DIR,
        extraRtmp: (env.WEBTV_EXTRA_RTMP ?? '').split(/\s+/).filter(Boolean),
      }
      : undefined,
    moderation: moderationFromEnv(env),
    // WEBTV_STORE (a directory or s3://bucket/prefix) with the AWS variables; a malformed one stops the worker here.
    store: storeFromEnv(dataDir, env),
  };
}

/**
 * The moderation endpoint uses WEBTV_MODERATION_API_KEY, else OPENAI_API_KEY, and WEBTV_MODERATION_BASE_URL,
 * else OPENAI_BASE_URL (so a writer on Ollama can keep moderation on OpenAI). WEBTV_MODERATION=local turns
 * the endpoint off even with a key set. The local rules (and WEBTV_BLOCKLIST) always apply.
 */
export function moderationFromEnv(env: NodeJS.ProcessEnv): ModerationSettings {
  if (env.WEBTV_MODERATION && env.WEBTV_MODERATION !== 'local') {
    throw new Error(`WEBTV_MODERATION must be "local" (endpoint off, local rules only) or unset, got "${env.WEBTV_MODERATION}"`);
  }
  const localOnly = env.WEBTV_MODERATION === 'local';
  return {
    apiKey: localOnly ? undefined : env.WEBTV_MODERATION_API_KEY || env.OPENAI_API_KEY || undefined,
    baseURL: env.WEBTV_MODERATION_BASE_URL || env.OPENAI_BASE_URL || undefined,
    model: env.WEBTV_MODERATION_MODEL || undefined,
    blocklistPath: env.WEBTV_BLOCKLIST || undefined,
  };
}
