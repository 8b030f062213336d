// The offline voice: espeak-ng, a formant speech synthesiser (Debian's `espeak-ng` package), standing in
// for a speech model when there is no GPU or no network. Robotic, intelligible, and never described as a
// model. Each character gets its own variant, pitch and speed, so two speakers in a scene are told apart.
import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { UNKNOWN_VOICE, type BackendContext, type VoiceRequest, type Written } from '../backends';
import type { BackendSpec } from '../../../shared/types';
import { BROADCAST } from '../../../shared/types';
import { launch } from '../../media/launcher';
import { RENDER_NICENESS, runFfmpeg, type ProbeResult } from '../../media/ffmpeg';
import { hashOf } from '../../media/hashOf';

/** The base voice (its file) when the show names none: espeak-ng's American English. */
export const DEFAULT_ESPEAK_VOICE = 'gmw/en-US';
export const INSTALL_ESPEAK = 'apt-get install espeak-ng (Debian/Ubuntu), brew install espeak-ng (macOS)';

export interface EspeakVoice {
  /** espeak-ng's variant file (voices/!v/<variant>): the timbre. */
  variant: string;
  /** `-p`, 0–99 (espeak's default 50). */
  pitch: number;
  /** `-s`, words per minute (espeak's default 175). */
  speed: number;
}

/**
 * The narrator and characters 0–5. Spread so that neighbours differ in timbre (variant), fundamental
 * (median F0 measured on this machine, en-us, with the test's estimator) and pace:
 * narrator m3 ~90 Hz, 0: m1 ~125 Hz, 1: f2 ~200 Hz, 2: m7 ~75 Hz, 3: f4 ~245 Hz, 4: m5 ~165 Hz, 5: f1 ~145 Hz.
 */
export const NARRATOR_VOICE: EspeakVoice = { variant: 'm3', pitch: 35, speed: 155 };
export const CHARACTER_VOICES: readonly EspeakVoice[] = [
  { variant: 'm1', pitch: 80, speed: 180 },
  { variant: 'f2', pitch: 55, speed: 170 },
  { variant: 'm7', pitch: 5, speed: 145 },
  { variant: 'f4', pitch: 80, speed: 190 },
  { variant: 'm5', pitch: 95, speed: 165 },
  { variant: 'f1', pitch: 35, speed: 200 },
];

/** Character `i` (-1, or any negative: the narrator). Past the table, its voices come round again, pitched and paced apart. */
export function espeakVoiceFor(character: number): EspeakVoice {
  if (character < 0) return NARRATOR_VOICE;
  const base = CHARACTER_VOICES[character % CHARACTER_VOICES.length];
  const round = Math.floor(character / CHARACTER_VOICES.length);
  if (round === 0) return base;
  return { variant: base.variant, pitch: (base.pitch + 37 * round) % 100, speed: 140 + ((base.speed - 140 + 23 * round) % 75) };
}

/**
 * What this machine's espeak-ng speaks: names a show may give (lower case) → the voice file to pass, and
 * variants the same way. The file, not the language code: espeak-ng 1.51 drops the variant, without a
 * word, from a language code that is not its file's name ("en-gb+f3", "fr-fr+f3" speak as "en-gb", "fr-fr";
 * "gmw/en+f3" does not), and every one of its 131 files takes one.
 */
export interface EspeakCatalog { voices: Map<string, string>; variants: Map<string, string> }

/** A row of `espeak-ng --voices`: " 5  en-us  --/M  English_(America)  gmw/en-US  (en 3)". */
function catalogRows(listing: string): { language: string; file: string; others: { name: string; priority: number }[] }[] {
  const rows = [];
  for (const line of listing.split('\n').slice(1)) {
    const m = /^\s*\d+\s+(\S+)\s+\S+\s+\S+\s+(\S+)(.*)$/.exec(line);
    if (m) rows.push({ language: m[1], file: m[2], others: [...m[3].matchAll(/\((\S+) (\d+)\)/g)].map((o) => ({ name: o[1], priority: Number(o[2]) })) });
  }
  return rows;
}

export function parseEspeakCatalog(voicesListing: string, variantsListing: string): EspeakCatalog {
  const rows = catalogRows(voicesListing);
  const voices = new Map<string, string>();
  for (const row of rows) {
    for (const name of [row.language, row.file, path.posix.basename(row.file)]) voices.set(name.toLowerCase(), row.file);
  }
  // A name that is only another row's alternative ("en": en-gb's at priority 2, en-us's at 3) goes to the
  // file espeak-ng prefers for it, the lowest priority number.
  const alternatives = rows.flatMap((row) => row.others.map((o) => ({ ...o, file: row.file }))).sort((a, b) => a.priority - b.priority);
  for (const o of alternatives) if (!voices.has(o.name.toLowerCase())) voices.set(o.name.toLowerCase(), o.file);
  const variants = new Map<string, string>();
  for (const row of catalogRows(variantsListing)) {
    // espeak looks the variant up by its file name, case and all ("+Alicia", not "+alicia").
    const file = row.file.replace(/^!v\//, '');
    variants.set(file.toLowerCase(), file);
  }
  return { voices, variants };
}

let catalog: Promise<EspeakCatalog> | undefined;

/** espeak-ng's voices and variants, listed once per process (a failed listing is asked again next time). */
export function espeakCatalog(signal?: AbortSignal): Promise<EspeakCatalog> {
  catalog ??= (async () => {
    const list = async (which: string) => {
      const r = await launch('espeak-ng', [which], { signal });
      if (r.canceled) throw new Error('espeak-ng was cancelled');
      if (r.exitCode !== 0) throw new Error(espeakFailed(`espeak-ng ${which}`, r));
      return r.stdout;
    };
    return parseEspeakCatalog(await list('--voices'), await list('--voices=variant'));
  })();
  catalog.catch(() => { catalog = undefined; });
  return catalog;
}

function espeakFailed(what: string, r: { exitCode: number | null; signal: string | null; stderr: string; error?: string }): string {
  if (r.error && /ENOENT/.test(r.error)) return `espeak-ng is not installed (not found on PATH): ${INSTALL_ESPEAK}`;
  return `${what} failed (exit ${r.exitCode ?? r.signal}): ${r.error ?? r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
}

/** What espeak-ng is told for one line: `-v`, `-p`, `-s`. */
export interface EspeakArgs { voice: string; pitch: number; speed: number }

/**
 * The voice for a request: the show's voice ("de", "en-us", "en+f3") when it names one, else the default
 * language, with the character's variant unless the show's name carries its own; the character's pitch
 * and pace. A variant the show chose keeps its register: the character's pitch is narrowed to 35–65
 * around espeak's 50 (en+f3 then spans ~185–225 Hz over the characters; at the table's own pitches it
 * went from 147 to 267 Hz, and a male variant at pitch 95 to 160 Hz). Throws
 * UNKNOWN_VOICE (non-retryable) for a language or variant this espeak-ng does not have; espeak-ng itself
 * would speak an unknown variant in its plain voice without a word.
 */
export function espeakArgsFor(cat: EspeakCatalog, voice: string | undefined, character: number): EspeakArgs {
  const own = espeakVoiceFor(character);
  const named = voice?.trim();
  if (!named) return { voice: `${DEFAULT_ESPEAK_VOICE}+${own.variant}`, pitch: own.pitch, speed: own.speed };
  const [base, variant, ...rest] = named.split('+');
  const lang = base ? cat.voices.get(base.toLowerCase()) : DEFAULT_ESPEAK_VOICE;
  const v = variant === undefined ? own.variant : cat.variants.get(variant.toLowerCase());
  if (!lang || !v || rest.length) {
    const known = ['en', 'en-us', 'en-gb', 'de', 'fr', 'es'].filter((k) => cat.voices.has(k)).join(', ');
    const what = rest.length ? 'takes one variant at most' : !lang ? `has no voice "${base}"` : `has no variant "+${variant}"`;
    throw ApplicationFailure.nonRetryable(
      `unknown voice "${named}": espeak-ng ${what} (some it has: ${known}, all in \`espeak-ng --voices\`; a variant as in en+f3, en+m7, all in \`espeak-ng --voices=variant\`)`,
      UNKNOWN_VOICE,
    );
  }
  const pitch = variant === undefined ? own.pitch : 35 + Math.round((own.pitch * 30) / 99);
  return { voice: `${lang}+${v}`, pitch, speed: own.speed };
}

/** The line as a 44.1-kHz stereo WAV at `req.outPath` (espeak-ng speaks 22.05-kHz mono; ffmpeg resamples it). */
export async function speakOffline(_spec: BackendSpec, req: VoiceRequest, ctx: BackendContext): Promise<Written> {
  const { voice, pitch, speed } = espeakArgsFor(await espeakCatalog(ctx.signal), req.voice, req.character);
  // The text goes in a file (-f), never an argument: a line starting with "-", quotes, newlines and any
  // Unicode reach espeak-ng as they are. -b 1: the file is UTF-8.
  const name = hashOf(req.text, req.character, req.voice ?? '').toString('hex').slice(0, 16);
  const textFile = path.join(ctx.scratchDir, `line-${name}.txt`);
  const spoken = path.join(ctx.scratchDir, `line-${name}.espeak.wav`);
  fs.writeFileSync(textFile, req.text);
  try {
    ctx.heartbeat({ stage: 'voice', step: 'espeak-ng', voice, pitch, speed });
    const r = await launch('espeak-ng', ['-v', voice, '-p', String(pitch), '-s', String(speed), '-b', '1', '-f', textFile, '-w', spoken], {
      signal: ctx.signal,
      niceness: RENDER_NICENESS,
    });
    if (r.canceled) throw new Error('espeak-ng was cancelled');
    if (r.exitCode !== 0) throw new Error(espeakFailed('espeak-ng', r));
    const { outSec } = await runFfmpeg(
      ['-i', spoken, '-af', `aresample=${BROADCAST.audioRate}`, '-ac', String(BROADCAST.audioChannels), '-c:a', 'pcm_s16le',
        '-fflags', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1', '-f', 'wav', req.outPath],
      {
        signal: ctx.signal,
        niceness: RENDER_NICENESS,
        onProgress: (p) => ctx.heartbeat({ stage: 'voice', step: 'resample', outSec: p.outSec }),
      },
    );
    if (!(outSec > 0)) return undefined;
    return {
      formatName: 'wav',
      durationSec: outSec,
      audio: { codec: 'pcm_s16le', sampleRate: BROADCAST.audioRate, channels: BROADCAST.audioChannels, durationSec: outSec },
    } satisfies ProbeResult;
  } finally {
    fs.rmSync(textFile, { force: true });
    fs.rmSync(spoken, { force: true });
  }
}
