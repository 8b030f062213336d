// The `moderate` activity: every text that can reach a model or the screen passes here first.
// Layer 1, always: the local rules (shipped terms + WEBTV_BLOCKLIST). Layer 2, when a key is configured:
// the OpenAI moderation endpoint. What happens when the endpoint cannot answer depends on the source
// (docs/moderation.md): viewer text fails closed (a retryable ModerationUnavailable failure: the workflow
// keeps it hidden and retries); operator themes and shot prompts pass on the local rules with a warning.
// A rejected text is never logged: only its hash and categories.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ActivityDeps } from '../deps';
import { createModerationEndpoint, EndpointUnavailable } from './endpoint';
import { loadRules } from './rules';

export type ModerationSource = 'operator' | 'viewer' | 'prompt';

export interface ModerationVerdict {
  allowed: boolean;
  /** e.g. ['violence'] when rejected; [] when allowed. */
  categories: string[];
  /** sha256 hex prefix of the text, for logs (the text of a rejected one is never logged). */
  textHash: string;
  /** e.g. 'moderation endpoint unavailable: passed on local rules only'. */
  warning?: string;
  /** Which layers gave this verdict. */
  checkedBy: ('local' | 'endpoint')[];
}


export const MODERATION_MODEL = 'omni-moderation-latest';
/** Longer than any theme, suggestion or shot prompt; bounds the work one call can ask for. */
export const MODERATION_MAX_CHARS = 4000;

const inputSchema = z.object({
  text: z.string().max(MODERATION_MAX_CHARS, `text is longer than ${MODERATION_MAX_CHARS} characters`),
  source: z.enum(['operator', 'viewer', 'prompt']),
});

export const textHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** The activity context when running as an activity; none when called directly (tests, tools). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export function createModerationActivities(deps: ActivityDeps) {
  // Read once at worker start: a bad blocklist line stops the worker with the file and line named.
  const rules = loadRules(deps.moderation?.blocklistPath);
  const endpoint = deps.moderation?.apiKey
    ? createModerationEndpoint({ apiKey: deps.moderation.apiKey, baseURL: deps.moderation.baseURL, model: deps.moderation.model ?? MODERATION_MODEL })
    : undefined;

  return {
    async moderate(input: { text: string; source: ModerationSource }): Promise<ModerationVerdict> {
      const parsed = inputSchema.safeParse(input);
      if (!parsed.success) {
        throw ApplicationFailure.nonRetryable(`moderate: ${parsed.error.issues[0].path.join('.') || 'input'}: ${parsed.error.issues[0].message}`, 'InvalidModerationInput');
      }
      const { text, source } = parsed.data;
      const ctx = activityContext();
      const hash = textHash(text);
      const refuse = (categories: string[], checkedBy: ModerationVerdict['checkedBy']): ModerationVerdict => {
        ctx?.log.warn('moderation rejected a text', { source, textHash: hash, categories });
        return { allowed: false, categories, textHash: hash, checkedBy };
      };

      const local = rules.check(text);
      if (local.length) return refuse(local, ['local']);
      if (!endpoint) return { allowed: true, categories: [], textHash: hash, checkedBy: ['local'] };

      let flagged: string[];
      try {
        flagged = await endpoint.flaggedCategories(text, ctx?.cancellationSignal);
      } catch (err) {
        if (!(err instanceof EndpointUnavailable)) throw err;
        if (source === 'viewer') {
          throw ApplicationFailure.create({
            type: 'ModerationUnavailable',
            message: `${err.message}; the viewer's text (${hash}) stays hidden until it can be checked`,
            nonRetryable: false,
            nextRetryDelay: err.retryAfterMs,
          });
        }
        const warning = `moderation endpoint unavailable (${err.message}): passed on local rules only`;
        ctx?.log.warn('moderation passed a text on local rules only', { source, textHash: hash, reason: err.message });
        return { allowed: true, categories: [], textHash: hash, warning, checkedBy: ['local'] };
      }
      if (flagged.length) return refuse(flagged, ['local', 'endpoint']);
      return { allowed: true, categories: [], textHash: hash, checkedBy: ['local', 'endpoint'] };
    },
  };
}
