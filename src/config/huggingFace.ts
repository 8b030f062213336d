// The Hugging Face variables the Gradio backend and `webtv spaces check` use. Read at each call, not once
// at start: a worker keeps running while an operator rotates nothing, but tests point HF_ENDPOINT at a
// local hub between runs in one process. HF_TOKEN is a secret: it goes into request headers, never a log.
import { z } from 'zod';
import { parseVariables } from './env';

const schema = z.object({
  HF_TOKEN: z.string().optional(),
  HF_ENDPOINT: z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL such as https://huggingface.co (or unset it)').optional(),
});

export interface HuggingFace {
  /** HF_TOKEN, when set: sent to the Hub and to private Spaces. */
  token?: `hf_${string}`;
  /** HF_ENDPOINT without a trailing slash (default https://huggingface.co). */
  endpoint: string;
}

export function huggingFace(env: NodeJS.ProcessEnv = process.env): HuggingFace {
  const e = parseVariables(schema, { HF_TOKEN: env.HF_TOKEN || undefined, HF_ENDPOINT: env.HF_ENDPOINT || undefined });
  return {
    ...(e.HF_TOKEN ? { token: e.HF_TOKEN as `hf_${string}` } : {}),
    endpoint: (e.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, ''),
  };
}
