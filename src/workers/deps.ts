// What a worker process needs, from its environment: where files live, which backends it can run, the
// OpenAI-compatible server for the shot-list writer, and where the on-air ffmpeg publishes. Secrets
// (OPENAI_API_KEY, WEBTV_PUBLISH_SECRET, stream keys in WEBTV_EXTRA_RTMP) stay in the environment.
import type { ActivityDeps } from '../activities/index';
import { defaultBackends } from '../activities/registry';

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
  };
}
