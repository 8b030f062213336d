// A directed episode's sound, in one ffmpeg run: the lines on top, each at its start and never cut; the
// music under them, crossfaded where one segment hands over to the next and ducked while anyone speaks
// (a compressor keyed by the speech); the effects at their cues. The result is mix.wav, exactly the
// episode's length; the mux lays it under the picture where a theme episode's music goes and normalises
// its loudness (mux.ts), so nothing here sets a level.
import path from 'node:path';
import { BROADCAST } from '../../shared/types';
import { MUSIC_CROSSFADE_SEC } from '../../shared/timeline';
import { writeFileAtomic } from '../../store/atomicFile';
import { runFfmpeg } from './ffmpeg';

export interface MixRequest {
  totalSec: number;
  lines: { start: number; end: number; path: string }[];
  cues: { at: number; seconds: number; path: string }[];
  /** In order; each file runs on MUSIC_CROSSFADE_SEC past the next segment's start, faded across it. */
  music: { start: number; end: number; path: string }[];
}

export interface MixOptions {
  signal: AbortSignal;
  onProgress?(p: { outSec: number; fraction?: number; speed?: string }): void;
  /** Also write the ducked music alone (a WAV like the mix): what a test measures the ducking on. */
  stems?: { music?: string };
}

export interface MixResult {
  /** Exactly `samples` at the broadcast rate. */
  durationSec: number;
  samples: number;
}

const RATE = BROADCAST.audioRate;

/**
 * The ducking. The key is the speech bus moved KEY_LEAD_SEC earlier, a look-ahead: the music is down by a
 * line's first syllable instead of an attack later. The key is silent between lines, so the threshold can
 * sit at the floor (−60 dBFS): any voice, loud or quiet, is far above it and a ratio of 20 pulls the music
 * all the way down; `mix` keeps 15 % of the dry music, which sets the depth at about −16 dB whatever the
 * voice's level. Measured with espeak-ng lines (−20 dBFS RMS): 15.7–16.0 dB under each line, 15.4–16.2 dB
 * per half second (test/mix.test.ts); with the same lines 20 dB quieter, 12.4–13.1 dB. The release holds it
 * across the pauses between words and lets the music back within about a second of a line's end.
 */
export const DUCKING = { threshold: 0.001, ratio: 20, attack: 15, release: 450, knee: 2, mix: 0.85 } as const;
export const KEY_LEAD_SEC = 0.08;
/** Effects end at their cue's length with a short fade, not a click. */
const CUE_FADE_SEC = 0.05;

const samples = (sec: number) => Math.max(0, Math.round(sec * RATE));
/** Any input as the graph's one sample format, rate and layout (espeak-ng speaks 22050 Hz mono). */
const FORMAT = `aresample=${RATE},aformat=sample_fmts=fltp:sample_rates=${RATE}:channel_layouts=stereo`;
/** Exactly n samples: silence after a short input, a long one cut. */
const fit = (n: number) => `apad=whole_len=${n},atrim=end_sample=${n}`;
const delay = (n: number) => `adelay=delays=${n}S:all=1`;
const sum = (labels: string[], n: number, out: string) =>
  `${labels.map((l) => `[${l}]`).join('')}amix=inputs=${labels.length}:normalize=0:duration=longest:dropout_transition=0,${fit(n)}[${out}]`;

/** The filter graph and the order of its inputs (ffmpeg `-i` arguments), built from the request alone. */
export function mixGraph(req: MixRequest, o: { musicStem?: boolean } = {}): { inputs: string[]; graph: string; outputs: string[] } {
  const n = samples(req.totalSec);
  const inputs: string[] = [];
  const chains: string[] = [];
  // Absolute: ffmpeg would read `name:rest` as a protocol. Paths are -i arguments, never in a filter string.
  const input = (file: string) => inputs.push(path.resolve(file)) - 1;

  const speech: string[] = [];
  const key: string[] = [];
  // The speech keys the ducking only when there is music to duck.
  const keyed = req.music.length > 0;
  req.lines.forEach((l, i) => {
    const k = input(l.path);
    const at = samples(l.start);
    if (keyed) {
      chains.push(`[${k}:a]${FORMAT},asplit=2[line${i}][key${i}]`);
      chains.push(`[key${i}]${delay(Math.max(0, at - samples(KEY_LEAD_SEC)))}[key${i}at]`);
      key.push(`key${i}at`);
    } else chains.push(`[${k}:a]${FORMAT}[line${i}]`);
    chains.push(`[line${i}]${delay(at)}[line${i}at]`);
    speech.push(`line${i}at`);
  });

  const music: string[] = [];
  req.music.forEach((m, j) => {
    const k = input(m.path);
    const start = samples(m.start);
    const next = req.music[j + 1];
    // A segment plays from its start to the next one's, then on through the crossfade; the last to the end.
    const span = next ? samples(next.start) - start : n - start;
    const fadeOut = next ? Math.min(samples(MUSIC_CROSSFADE_SEC), Math.max(1, samples(next.end) - samples(next.start))) : 0;
    const fadeIn = j > 0 ? Math.min(samples(MUSIC_CROSSFADE_SEC), Math.max(1, span)) : 0;
    const len = Math.max(1, span + fadeOut);
    const fades = [
      ...(fadeIn ? [`afade=t=in:start_sample=0:nb_samples=${fadeIn}:curve=qsin`] : []),
      ...(fadeOut ? [`afade=t=out:start_sample=${span}:nb_samples=${fadeOut}:curve=qsin`] : []),
    ];
    chains.push(`[${k}:a]${[FORMAT, fit(len), ...fades, delay(start)].join(',')}[music${j}]`);
    music.push(`music${j}`);
  });

  const effects: string[] = [];
  req.cues.forEach((c, i) => {
    const k = input(c.path);
    const len = Math.max(1, Math.min(samples(c.seconds), n - samples(c.at)));
    const fade = Math.min(samples(CUE_FADE_SEC), len);
    chains.push(`[${k}:a]${FORMAT},atrim=end_sample=${len},afade=t=out:start_sample=${len - fade}:nb_samples=${fade},${delay(samples(c.at))}[cue${i}]`);
    effects.push(`cue${i}`);
  });

  const buses: string[] = [];
  const outputs = ['mix'];
  if (speech.length) {
    chains.push(sum(speech, n, 'speech'));
    buses.push('speech');
  }
  if (music.length) {
    chains.push(sum(music, n, 'music'));
    let bed = 'music';
    if (key.length) {
      const d = DUCKING;
      chains.push(sum(key, n, 'key'));
      chains.push(`[music][key]sidechaincompress=threshold=${d.threshold}:ratio=${d.ratio}:attack=${d.attack}:release=${d.release}:knee=${d.knee}:mix=${d.mix}:link=maximum:detection=rms[ducked]`);
      bed = 'ducked';
    }
    if (o.musicStem) {
      chains.push(`[${bed}]asplit=2[bed][musicstem]`);
      bed = 'bed';
      outputs.push('musicstem');
    }
    buses.push(bed);
  } else if (o.musicStem) {
    chains.push(`anullsrc=r=${RATE}:cl=stereo,atrim=end_sample=${n}[musicstem]`);
    outputs.push('musicstem');
  }
  if (effects.length) {
    chains.push(sum(effects, n, 'effects'));
    buses.push('effects');
  }
  if (buses.length) chains.push(sum(buses, n, 'mix'));
  else chains.push(`anullsrc=r=${RATE}:cl=stereo,atrim=end_sample=${n}[mix]`);
  return { inputs, graph: chains.join(';'), outputs };
}

/**
 * Writes the mix to `outPath` (atomically) as 32-bit float WAV, 44100 Hz stereo: the sum of speech,
 * music and effects may pass full scale before the mux's gain brings it to −23 LUFS, and float keeps
 * those peaks instead of clipping them.
 */
export async function mixEpisodeAudio(req: MixRequest, outPath: string, opts: MixOptions): Promise<MixResult> {
  const musicStem = opts.stems?.music === undefined ? undefined : path.resolve(opts.stems.music);
  const { inputs, graph, outputs } = mixGraph(req, { musicStem: musicStem !== undefined });
  const wav = ['-c:a', 'pcm_f32le', '-ar', String(RATE), '-ac', '2', '-map_metadata', '-1', '-fflags', '+bitexact', '-f', 'wav'];
  const n = samples(req.totalSec);
  await writeFileAtomic(path.resolve(outPath), async (tmp) => {
    await runFfmpeg([
      ...inputs.flatMap((p) => ['-i', p]),
      '-filter_complex', graph,
      '-map', `[${outputs[0]}]`, ...wav, tmp,
      ...(musicStem !== undefined ? ['-map', `[${outputs[1]}]`, ...wav, musicStem] : []),
    ], { signal: opts.signal, expectedSec: n / RATE, onProgress: opts.onProgress });
  });
  return { durationSec: n / RATE, samples: n };
}
