// The second layer: OpenAI's moderation endpoint (or any server speaking its /v1/moderations shape).
// Returns the flagged top-level categories ("violence/graphic" counts as "violence"); throws
// EndpointUnavailable when it cannot give an answer, so the caller applies the fail-closed/open policy.
// The text goes as typed and, when folding changes more than case and punctuation, also folded (look-alike
// letters, symbols and digits read as letters: `ｋ1ll уоurself` → `kill yourself`), in the same request:
// the model reads context, but it can be fooled by the same tricks as the local rules.
import OpenAI from 'openai';
import { z } from 'zod';
import { skeletonWords } from '../../shared/skeleton';

export interface ModerationEndpointSettings {
  apiKey: string;
  baseURL?: string;
  model: string;
}

export class EndpointUnavailable extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}

// Only what we read; the documented response carries more (category_scores, category_applied_input_types).
const responseSchema = z.object({
  results: z.array(z.object({
    flagged: z.boolean(),
    categories: z.record(z.string(), z.boolean().nullable()),
  })).min(1),
});

/** What the endpoint is asked about: the text as typed, then its folded form when that reads differently. */
export function endpointInputs(text: string): string[] {
  const folded = skeletonWords(text).join(' ');
  const plain = text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return folded && folded !== plain ? [text, folded] : [text];
}

export function createModerationEndpoint(settings: ModerationEndpointSettings) {
  // Temporal owns retries of the activity; one quick extra try here rides over a dropped connection.
  const client = new OpenAI({ apiKey: settings.apiKey, baseURL: settings.baseURL, maxRetries: 1, timeout: 15_000 });
  const where = settings.baseURL ?? 'api.openai.com';
  return {
    where,
    async flaggedCategories(text: string, signal?: AbortSignal): Promise<string[]> {
      let body: unknown;
      try {
        const inputs = endpointInputs(text);
        body = await client.moderations.create({ model: settings.model, input: inputs.length === 1 ? text : inputs }, { signal });
      } catch (err) {
        if (err instanceof OpenAI.APIError && err.status) {
          const retry = Number(err.headers?.get('retry-after'));
          const hint = err.status === 401 || err.status === 403 ? ': check WEBTV_MODERATION_API_KEY / OPENAI_API_KEY' : '';
          throw new EndpointUnavailable(`moderation endpoint at ${where} answered ${err.status}${hint}`, Number.isFinite(retry) && retry > 0 ? retry * 1000 : undefined);
        }
        throw new EndpointUnavailable(`moderation endpoint at ${where} unreachable (${(err as Error).message})`);
      }
      const r = responseSchema.safeParse(body);
      if (!r.success) throw new EndpointUnavailable(`moderation endpoint at ${where} gave an answer we cannot read (${r.error.issues[0].message})`);
      const categories = new Set<string>();
      for (const result of r.data.results) {
        for (const [name, on] of Object.entries(result.categories)) if (on) categories.add(name.split('/')[0]);
        // flagged without a category named: still a refusal, under a name that says so.
        if (result.flagged && categories.size === 0) categories.add('flagged');
      }
      return [...categories];
    },
  };
}
