// What a worker process needs, from its environment: where files live, which backends it can run, and
// the OpenAI-compatible server for the shot-list writer. Secrets stay in the environment.
import type { ActivityDeps } from '../activities/index';
import { defaultBackends } from '../activities/registry';
import type { Settings } from '../config';

export function activityDepsFromEnv(settings: Settings, env: NodeJS.ProcessEnv = process.env): ActivityDeps {
  const model = env.OPENAI_MODEL;
  return {
    dataDir: settings.dataDir,
    backends: defaultBackends(),
    openai: model || env.OPENAI_API_KEY || env.OPENAI_BASE_URL
      ? { model: model || 'gpt-4o-mini', apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL }
      : undefined,
  };
}
