// The OpenAI-compatible shot-list writer (OpenAI, or Ollama / vLLM / llama.cpp servers via base URL).
// The model's answer is validated; an invalid answer is asked for again with the problem named, and
// after MAX_TRIES the activity fails non-retryably with what was wrong.
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { z } from 'zod';
import type { OpenAISettings } from '../../deps';

export const MAX_TRIES = 3;
export const PROMPT_MIN_CHARS = 20;
export const PROMPT_MAX_CHARS = 700;

const answerSchema = z.object({
  mood: z.string().trim().min(1, 'mood is empty').max(200, 'mood is longer than 200 characters'),
  shots: z.array(
    z.string().trim().min(PROMPT_MIN_CHARS, `a shot prompt is shorter than ${PROMPT_MIN_CHARS} characters`).max(PROMPT_MAX_CHARS, `a shot prompt is longer than ${PROMPT_MAX_CHARS} characters`),
  ),
});

function instructions(count: number): string {
  return [
    'You write shot lists for an AI-generated TV channel. Each shot is rendered independently by a text-to-video model',
    '(Zeroscope) as a 3-second clip, so every prompt must be self-contained: restate the subject, its look, the setting,',
    'the action, the camera move, the lighting and style keywords in every prompt, and keep them consistent across shots',
    '(same character description, same place, same style). One sentence or a comma-separated list of 20 to 60 words per shot.',
    `Answer with JSON only: {"mood": "<a few words for the soundtrack: genre, tempo, feeling>", "shots": [<exactly ${count} strings>]}.`,
  ].join(' ');
}

/** Parses and checks a model's answer; returns the problem in words when it is not usable. */
export function parseShotListAnswer(text: string | null | undefined, count: number): { prompts: string[]; mood: string } | { problem: string } {
  if (!text || !text.trim()) return { problem: 'the answer was empty' };
  const unfenced = text.trim().replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, '');
  let json: unknown;
  try {
    json = JSON.parse(unfenced);
  } catch {
    return { problem: `the answer was not valid JSON (it began ${JSON.stringify(unfenced.slice(0, 60))})` };
  }
  const r = answerSchema.safeParse(json);
  if (!r.success) return { problem: `the answer did not match {"mood": string, "shots": string[]}: ${r.error.issues[0].message}` };
  if (r.data.shots.length !== count) return { problem: `the answer had ${r.data.shots.length} shots, ${count} were asked for` };
  return { prompts: r.data.shots, mood: r.data.mood };
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const s = headers?.get('retry-after');
  if (s && Number.isFinite(Number(s))) return Number(s) * 1000;
  return undefined;
}

export async function writeOpenAIShotList(
  settings: OpenAISettings,
  theme: string,
  count: number,
  seed: number,
  signal: AbortSignal,
): Promise<{ prompts: string[]; mood: string }> {
  const client = writerClient(settings);
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'system', content: instructions(count) },
    { role: 'user', content: `Theme: ${theme}\nShots: ${count}` },
  ];
  let problem = '';
  for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
    const text = await askForJson(client, settings, messages, seed, signal);
    const parsed = parseShotListAnswer(text, count);
    if (!('problem' in parsed)) return parsed;
    problem = parsed.problem;
    messages.push({ role: 'assistant', content: text ?? '' }, { role: 'user', content: `That answer cannot be used: ${problem}. Answer again with JSON only, exactly ${count} shots.` });
  }
  throw ApplicationFailure.nonRetryable(
    `the shot-list model (${settings.model}) gave no usable answer in ${MAX_TRIES} tries; last problem: ${problem}. Try a more capable model (OPENAI_MODEL) or the offline writer.`,
    'InvalidShotList',
  );
}

const rewriteSchema = z.object({
  prompt: z.string().trim().min(PROMPT_MIN_CHARS, `the prompt is shorter than ${PROMPT_MIN_CHARS} characters`).max(PROMPT_MAX_CHARS, `the prompt is longer than ${PROMPT_MAX_CHARS} characters`),
});

export interface RewriteAsk {
  theme: string;
  shot: number;
  shots: number;
  /** Why the first prompt was refused (moderation categories). */
  categories: string[];
  /** Accepted prompts of the other shots, for a consistent look. */
  accepted: string[];
}

/** Temporal owns retries (visible in history), so the client makes exactly one request per call. */
export function writerClient(settings: OpenAISettings): OpenAI {
  return new OpenAI({ apiKey: settings.apiKey ?? 'not-needed', baseURL: settings.baseURL, maxRetries: 0, timeout: 120_000 });
}

/** One chat completion in JSON mode; a failed request becomes the failure Temporal retries or not. */
async function askForJson(
  client: OpenAI, settings: OpenAISettings, messages: OpenAI.Chat.ChatCompletionMessageParam[], seed: number, signal: AbortSignal,
): Promise<string | null | undefined> {
  try {
    const res = await client.chat.completions.create(
      { model: settings.model, messages, seed, temperature: 0.7, response_format: { type: 'json_object' } },
      { signal },
    );
    return res.choices?.[0]?.message?.content;
  } catch (err) {
    throw classifyOpenAIError(err, settings);
  }
}

/**
 * Asks the model once more for one shot's prompt, saying why the first was refused. The refused text itself
 * is not sent: nothing rejected by moderation reaches a model.
 */
export async function rewriteOpenAIShotPrompt(settings: OpenAISettings, ask: RewriteAsk, seed: number, signal: AbortSignal): Promise<string> {
  const client = writerClient(settings);
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'system', content: instructions(ask.shots).replace(/Answer with JSON only:.*$/, 'Answer with JSON only: {"prompt": "<the one prompt>"}.') },
    {
      role: 'user',
      content: [
        `Theme: ${ask.theme}`,
        `Write the prompt for shot ${ask.shot + 1} of ${ask.shots}. Your previous prompt for it was rejected by content moderation`,
        `(categories: ${ask.categories.join(', ')}). Write a new one that keeps to the theme and contains nothing of those categories.`,
        ...(ask.accepted.length ? ['The other shots, for consistency:', ...ask.accepted.map((p) => `- ${p}`)] : []),
      ].join('\n'),
    },
  ];
  let problem = '';
  for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
    const text = await askForJson(client, settings, messages, seed, signal);
    let json: unknown;
    try {
      json = JSON.parse((text ?? '').trim().replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, ''));
    } catch {
      json = undefined;
    }
    const r = rewriteSchema.safeParse(json);
    if (r.success) return r.data.prompt;
    problem = json === undefined ? 'the answer was not valid JSON' : `the answer did not match {"prompt": string}: ${r.error.issues[0].message}`;
    messages.push({ role: 'assistant', content: text ?? '' }, { role: 'user', content: `That answer cannot be used: ${problem}. Answer again with JSON only: {"prompt": "…"}.` });
  }
  throw ApplicationFailure.nonRetryable(`the shot-list model (${settings.model}) gave no usable rewrite in ${MAX_TRIES} tries; last problem: ${problem}`, 'InvalidShotList');
}

/** A failed request as Temporal should see it: 429 retried after the server's delay, 4xx final, the rest retried. */
export function classifyOpenAIError(err: unknown, settings: OpenAISettings, who = 'the shot-list model'): Error {
  if (err instanceof OpenAI.APIError) {
    const where = settings.baseURL ?? 'api.openai.com';
    if (err.status === 429) {
      return ApplicationFailure.create({
        message: `${who} at ${where} is rate-limited (429): ${err.message}`,
        type: 'RateLimited',
        nextRetryDelay: retryAfterMs(err.headers) ?? undefined,
      });
    }
    if (err.status === 401 || err.status === 403) {
      return ApplicationFailure.nonRetryable(`${who} at ${where} refused our key (${err.status}): set OPENAI_API_KEY to a valid key`, 'Unauthorized');
    }
    if (err.status === 404 || err.status === 400) {
      return ApplicationFailure.nonRetryable(`${who} at ${where} rejected the request (${err.status}): ${err.message}. Check OPENAI_MODEL=${settings.model} and OPENAI_BASE_URL`, 'BadRequest');
    }
  }
  return err instanceof Error ? err : new Error(String(err));
}
