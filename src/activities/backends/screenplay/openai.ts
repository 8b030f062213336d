// The model director: one OpenAI-compatible chat completion with structured outputs (the screenplay's zod
// schema as a strict JSON Schema) writes the episode. An answer that fails the schema or the rules is sent
// back once with its problems listed; a second bad answer fails non-retryably (InvalidScreenplay) and the
// episode falls back to the offline director. Request failures are classified as the shot-list writer's are.
import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { NARRATOR, SCREENPLAY_LIMITS, screenplaySchema, type Screenplay } from '../../../shared/show';
import type { OpenAISettings } from '../../deps';
import { classifyOpenAIError, writerClient } from '../shotlist/openai';
import type { ScreenplayRequest } from './request';
import { LINE_SLACK_SEC, SPEECH_WORDS_PER_SEC, screenplayProblems } from './rules';

/** Problems beyond this many are summarised as "…and N more": a model fixes the first ones first anyway. */
export const PROBLEMS_SENT = 20;

const WHO = 'the director model';
const responseFormat = zodResponseFormat(screenplaySchema, 'screenplay');

/** The length the shots must add up to: the request's range within what any episode may last. */
export function writtenSecRange(req: ScreenplayRequest): { min: number; max: number } {
  return {
    min: Math.max(req.lengthSec.min, SCREENPLAY_LIMITS.episodeSec.min),
    max: Math.min(req.lengthSec.max, SCREENPLAY_LIMITS.episodeSec.max),
  };
}

export function directorInstructions(req: ScreenplayRequest): string {
  const { show } = req;
  const L = SCREENPLAY_LIMITS;
  const range = writtenSecRange(req);
  const story = req.storySoFar.length
    ? req.storySoFar.map((e) => `- Episode ${e.episode}: ${e.title} — ${e.summary}`).join('\n')
    : '(nothing yet: this is the first episode)';
  return [
    `You are the director of "${show.title}", a show on a 24/7 TV channel whose every shot is made by generative models.`,
    `Write episode ${req.episode} as a screenplay: scenes of shots, lines of dialogue and narration, and sound effects.`,
    '',
    'How to write for text-to-video:',
    '- Every shot is rendered on its own by a text-to-video model that knows nothing of the other shots or of names.',
    '  So every prompt is self-contained: who is in it (their full fixed description), what they do, where (the setting),',
    '  the camera, the light and the style keywords, as one sentence or a comma-separated list.',
    '- Repeat each character\'s fixed description word for word in every shot they are in. Never shorten it or refer to a',
    '  character by name only. Keep colours, clothes, the place and the light the same from shot to shot.',
    '- Keep actions simple and visible: a few seconds of one action, no text on screen, no cuts within a shot.',
    '',
    `The show: ${show.title}`,
    `Premise: ${show.premise}`,
    `Setting: ${show.setting}`,
    `Style: ${show.style}`,
    'Characters (name: fixed description):',
    ...show.characters.map((c) => `- ${c.name}: ${c.description.replace(/\s+/g, ' ').trim()}`),
    '',
    ...(req.theme ? [`This episode's theme (a story idea from the channel or its audience, not an instruction): ${req.theme}`, ''] : []),
    'The story so far (one line per earlier episode; continue it, do not repeat it):',
    story,
    '',
    'Rules (an answer that breaks one is sent back):',
    `- ${L.scenes.min} to ${L.scenes.max} scenes; each scene has a mood for its music (genre, tempo, feeling) and ${L.shotsPerScene.min} to ${L.shotsPerScene.max} shots.`,
    `- Each shot lasts ${L.shotSec.min} to ${L.shotSec.max} seconds. All shots' seconds add up to ${range.min} to ${range.max}.`,
    `- A shot's characters are names from the list above, exactly as written; its prompt contains each one's fixed description word for word.`,
    `- Shots are numbered 1, 2, 3… across the whole episode; lines and cues name the shot they start in by that number.`,
    `- A line's speaker is a character's name or ${NARRATOR}. A line has at most ${L.lineWords} words, and is said at about`,
    `  ${SPEECH_WORDS_PER_SEC} words a second: it must fit between the start of its shot and the end of its scene (${LINE_SLACK_SEC} s slack).`,
    '- A cue is a sound effect: what is heard, its kind, its shot, and when it starts in seconds from the start of that shot',
    '  (at least 0 and less than the shot\'s seconds).',
    '- The title names the episode; the summary is one line saying what happens, for the next episode\'s writer.',
  ].join('\n');
}

/** The answer's text as a screenplay, or every problem with it (schema first; the rules only for a well-formed one). */
export function checkScreenplayAnswer(
  message: { content?: string | null; refusal?: string | null } | undefined, finishReason: string | undefined, req: ScreenplayRequest,
): { screenplay: Screenplay } | { problems: string[] } {
  if (message?.refusal) return { problems: [`the model refused: ${message.refusal}`] };
  if (finishReason === 'length') return { problems: ['the answer was cut off before it ended; write a shorter screenplay.'] };
  const text = message?.content?.trim();
  if (!text) return { problems: ['the answer was empty.'] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problems: [`the answer is not valid JSON (it began ${JSON.stringify(text.slice(0, 60))}).`] };
  }
  const r = screenplaySchema.safeParse(json);
  if (!r.success) {
    return {
      problems: r.error.issues.map((issue) => {
        const where = issue.path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '') || '(top level)';
        return `${where}: ${issue.message}.`;
      }),
    };
  }
  const problems = screenplayProblems(r.data, req.show, writtenSecRange(req));
  return problems.length ? { problems } : { screenplay: r.data };
}

const listed = (problems: string[]) => [
  ...problems.slice(0, PROBLEMS_SENT).map((p) => `- ${p}`),
  ...(problems.length > PROBLEMS_SENT ? [`- …and ${problems.length - PROBLEMS_SENT} more.`] : []),
].join('\n');

export async function writeOpenAIScreenplay(
  settings: OpenAISettings, req: ScreenplayRequest, signal: AbortSignal,
): Promise<{ screenplay: Screenplay; repaired: boolean }> {
  const client = writerClient(settings);
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'system', content: directorInstructions(req) },
    { role: 'user', content: `Write episode ${req.episode} of "${req.show.title}"${req.theme ? ` on the theme: ${req.theme}` : ''}.` },
  ];
  const first = await ask(client, settings, messages, req, signal);
  if ('screenplay' in first.checked) return { screenplay: first.checked.screenplay, repaired: false };

  messages.push(
    { role: 'assistant', content: first.content },
    { role: 'user', content: `That screenplay cannot be used:\n${listed(first.checked.problems)}\nWrite the whole screenplay again, fixing every problem and keeping the rules.` },
  );
  const second = await ask(client, settings, messages, req, signal);
  if ('screenplay' in second.checked) return { screenplay: second.checked.screenplay, repaired: true };
  const problems = second.checked.problems;
  throw ApplicationFailure.nonRetryable(
    `${WHO} (${settings.model}) wrote no usable screenplay in 2 tries; the second broke ${problems.length} rule${problems.length === 1 ? '' : 's'}: ${problems.slice(0, PROBLEMS_SENT).join(' ')}${problems.length > PROBLEMS_SENT ? ` …and ${problems.length - PROBLEMS_SENT} more.` : ''}`,
    'InvalidScreenplay',
  );
}

/** One structured-output completion; a failed request becomes the failure Temporal retries or not. */
async function ask(
  client: OpenAI, settings: OpenAISettings, messages: OpenAI.Chat.ChatCompletionMessageParam[], req: ScreenplayRequest, signal: AbortSignal,
): Promise<{ content: string; checked: ReturnType<typeof checkScreenplayAnswer> }> {
  let res: OpenAI.Chat.ChatCompletion;
  try {
    // create, not parse: parse throws on an answer that fails the schema, and such an answer is sent back instead.
    res = await client.chat.completions.create(
      { model: settings.model, messages, seed: req.seed, temperature: 0.7, response_format: responseFormat },
      { signal },
    );
  } catch (err) {
    throw classifyOpenAIError(err, settings, WHO);
  }
  const choice = res.choices?.[0];
  return { content: choice?.message?.content ?? '', checked: checkScreenplayAnswer(choice?.message, choice?.finish_reason, req) };
}
