// The `rewriteShotPrompt` activity: the writer's one second try at a shot prompt moderation refused,
// told why (the categories), never shown the refused text. Offline writer: a calmer deterministic variant.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { WriterSpec } from '../../../shared/types';
import type { ActivityDeps } from '../../deps';
import { rewriteOfflineShotPrompt } from './offline';
import { rewriteOpenAIShotPrompt } from './openai';

export interface RewriteRequest {
  channel: string;
  episode: number;
  theme: string;
  shot: number;
  shots: number;
  seed: number;
  categories: string[];
  /** Accepted prompts of the other shots, for consistency. */
  accepted: string[];
  writer: WriterSpec;
}

export function createRewriteActivities(deps: ActivityDeps) {
  return {
    async rewriteShotPrompt(req: RewriteRequest): Promise<{ prompt: string; writer: string }> {
      if (req.writer.kind !== 'openai') return { prompt: rewriteOfflineShotPrompt(req.theme, req.shot, req.seed), writer: 'offline' };
      if (!deps.openai) {
        throw ApplicationFailure.nonRetryable('the openai writer is not configured on this worker: set OPENAI_MODEL (and OPENAI_API_KEY, OPENAI_BASE_URL for other servers)', 'WriterNotConfigured');
      }
      const settings = { ...deps.openai, model: req.writer.model ?? deps.openai.model };
      const ctx = Context.current();
      ctx.heartbeat({ stage: 'asking the model for a new prompt', shot: req.shot + 1 });
      const prompt = await rewriteOpenAIShotPrompt(settings, req, req.seed, ctx.cancellationSignal);
      return { prompt, writer: 'openai' };
    },
  };
}
