// A directed episode's lines through a Gradio app (by default our model server's /speak: Dia). Dia picks
// a new voice on every call unless it is given an audio prompt, so a character's voice is a reference
// clip: made once (a fixed neutral sentence, the character's seed), kept in the show's cacheDir, and
// uploaded with its transcript and the same seed with every line of that character, so the voice stays
// the same across lines and episodes. Apps whose params map no "$reference_audio" just get the line.
import { ApplicationFailure } from '@temporalio/common';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UNKNOWN_VOICE, type BackendContext, type BackendSpec, type VoiceRequest, type Written } from '../backends';
import { callGradio } from './call';
import { parseGradioSpec, type GradioCall } from './spec';

/** What every reference clip says: plain, even, no names or cues, long enough (~5 s) to carry a voice. */
export const REFERENCE_SENTENCE = 'The evening is calm, and the news comes on at seven, right after the weather.';

/**
 * Where a character's reference clip is kept: one per app, endpoint, speaker and voice name (and sentence,
 * so a changed sentence makes new clips instead of pairing old audio with a new transcript).
 */
export function referenceClipPath(cacheDir: string, call: Pick<GradioCall, 'app' | 'endpoint'>, speaker: string, voice?: string): string {
  const key = crypto.createHash('sha256')
    .update(JSON.stringify([call.app, call.endpoint, speaker, voice ?? null, REFERENCE_SENTENCE]))
    .digest('hex').slice(0, 24);
  return path.join(cacheDir, `voice-reference-${key}.wav`);
}

const maps = (call: GradioCall, value: string) => Object.values(call.params).includes(`$${value}`);

export async function speakLine(spec: BackendSpec, req: VoiceRequest, ctx: BackendContext): Promise<Written> {
  const call = parseGradioSpec('voice', spec);
  const where = `voice via Gradio app ${call.app} ${call.endpoint}`;
  if (req.voice !== undefined && !maps(call, 'voice')) {
    throw ApplicationFailure.nonRetryable(
      `${where}: the app takes no voice name (its params map no "$voice"), so ${req.speaker}'s voice "${req.voice}" is unknown to it; leave the character's voice out, or map "$voice" to the app's voice parameter`,
      UNKNOWN_VOICE,
    );
  }
  const values = { text: req.text, seed: req.seed, speaker: req.speaker, voice: req.voice ?? null };
  try {
    if (!maps(call, 'reference_audio')) {
      return await callGradio('voice', spec, { values: { ...values, reference_audio: null, reference_text: null }, files: {}, outPath: req.outPath }, ctx);
    }
    const clip = await referenceClip(spec, call, req, ctx);
    return await callGradio('voice', spec, {
      values: { ...values, reference_text: REFERENCE_SENTENCE },
      files: { reference_audio: { path: clip, kind: 'audio' } },
      outPath: req.outPath,
    }, ctx);
  } catch (err) {
    throw unknownVoice(err, where, req) ?? err;
  }
}

/** The character's reference clip, made on first use. Two lines racing to make it both end up using the first one kept. */
async function referenceClip(spec: BackendSpec, call: GradioCall, req: VoiceRequest, ctx: BackendContext): Promise<string> {
  const clip = referenceClipPath(req.cacheDir, call, req.speaker, req.voice);
  if (fs.existsSync(clip)) return clip;
  fs.mkdirSync(req.cacheDir, { recursive: true });
  const tmp = `${clip}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    ctx.heartbeat({ stage: 'making the reference clip', speaker: req.speaker });
    await callGradio('voice', spec, {
      values: { text: REFERENCE_SENTENCE, seed: req.seed, speaker: req.speaker, voice: req.voice ?? null, reference_audio: null, reference_text: null },
      files: {},
      outPath: tmp,
    }, ctx);
    try {
      fs.linkSync(tmp, clip);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return clip;
}

/** An app refusing the voice name (its own words, after our prefix) becomes UNKNOWN_VOICE, which the activity falls back on. */
const REFUSED_VOICE = /\bvoices?\b[^.;]{0,80}\b(unknown|unsupported|not (found|available|supported|known|recogni[sz]ed|one of|a valid)|does ?n[o']t exist|no such|invalid)\b|\b(unknown|unsupported|invalid|no such|not an? (valid|known|supported))\b[^.;]{0,20}\bvoice\b/i;

export function unknownVoice(err: unknown, where: string, req: Pick<VoiceRequest, 'voice' | 'speaker'>): ApplicationFailure | undefined {
  if (req.voice === undefined || !(err instanceof ApplicationFailure)) return undefined;
  if (err.type !== 'GradioAppError' && err.type !== 'GradioBadInput') return undefined;
  const said = err.message.startsWith(where) ? err.message.slice(where.length) : err.message;
  if (!REFUSED_VOICE.test(said)) return undefined;
  return ApplicationFailure.nonRetryable(`${where}: the app does not know ${req.speaker}'s voice "${req.voice}": ${said.replace(/^:\s*/, '')}`, UNKNOWN_VOICE);
}
