// The text models a worker calls: the OpenAI-compatible shot-list writer and the moderation endpoint.
// OPENAI_API_KEY and WEBTV_MODERATION_API_KEY are secrets: they go to the client libraries, never a log.
// The values fit OpenAISettings and ModerationSettings (src/activities/deps.ts), which workers/deps.ts checks:
// config/ names no activity type, so imports run one way (activities and workers read config).
import { z } from 'zod';

const url = (name: string) => z.string().regex(/^https?:\/\/\S+$/, `${name} must be an http(s) URL such as https://api.openai.com/v1`).optional();

const schema = z.object({
  OPENAI_MODEL: z.string().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: url('OPENAI_BASE_URL'),
  WEBTV_MODERATION: z.literal('local', { error: (i) => `WEBTV_MODERATION must be "local" (endpoint off, local rules only) or unset, got "${String(i.input)}"` }).optional(),
  WEBTV_MODERATION_API_KEY: z.string().optional(),
  WEBTV_MODERATION_BASE_URL: url('WEBTV_MODERATION_BASE_URL'),
  WEBTV_MODERATION_MODEL: z.string().optional(),
  WEBTV_BLOCKLIST: z.string().optional(),
});

function parse(env: NodeJS.ProcessEnv) {
  // An empty variable counts as unset, as it always has.
  const parsed = schema.safeParse(Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k] || undefined])));
  if (!parsed.success) throw new Error(parsed.error.issues[0].message);
  return parsed.data;
}

/** The shot-list writer's server: only when one of OPENAI_MODEL, OPENAI_API_KEY, OPENAI_BASE_URL is set. */
export function openAiFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const e = parse(env);
  if (!e.OPENAI_MODEL && !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) return undefined;
  return { model: e.OPENAI_MODEL || 'gpt-4o-mini', apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL };
}

/**
 * The moderation endpoint uses WEBTV_MODERATION_API_KEY, else OPENAI_API_KEY, and WEBTV_MODERATION_BASE_URL,
 * else OPENAI_BASE_URL (so a writer on Ollama can keep moderation on OpenAI). WEBTV_MODERATION=local turns
 * the endpoint off even with a key set. The local rules (and WEBTV_BLOCKLIST) always apply.
 */
export function moderationFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const e = parse(env);
  const localOnly = e.WEBTV_MODERATION === 'local';
  return {
    apiKey: localOnly ? undefined : e.WEBTV_MODERATION_API_KEY || e.OPENAI_API_KEY || undefined,
    baseURL: e.WEBTV_MODERATION_BASE_URL || e.OPENAI_BASE_URL || undefined,
    model: e.WEBTV_MODERATION_MODEL || undefined,
    blocklistPath: e.WEBTV_BLOCKLIST || undefined,
  };
}
