// The offline sound effects: ffmpeg programs (filtered noise, envelopes, aevalsrc) that stand in for a
// sound model when there is no GPU or no network. They are synthesised stand-ins, recognisable at best —
// rain as a hiss with drops, a door as a thud and a latch — not a model, and never described as one.
// Every recipe sounds from its first milliseconds (the mix places the file at its cue), lasts exactly the
// request's length, and comes out the same, byte for byte, for the same kind, text and seed.
import type { BackendContext, SfxRequest, Written } from '../backends';
import type { BackendSpec } from '../../../shared/types';
import type { SfxKind } from '../../../shared/show';
import { BROADCAST } from '../../../shared/types';
import { RENDER_NICENESS, runFfmpeg, type ProbeResult } from '../../media/ffmpeg';
import { hashOf } from '../../media/hashOf';

const RATE: number = BROADCAST.audioRate;
/** The onset's fade: long enough to spare a click, short enough that the sound starts at its cue. */
const FADE_IN_SEC = 0.005;
const FADE_OUT_SEC = 0.04;

/** An aevalsrc expression as a filter argument: quoted, its commas escaped (as music.ts writes them). */
const expr = (e: string) => `'${e.replace(/,/g, '\\,')}'`;
/**
 * A mono expression source, evaluated per sample: slow envelopes at a low rate (2–8 kHz), resampled, cost
 * a fraction of a broadcast-rate evaluation.
 */
const evalsrc = (e: string, rate: number = RATE) => `aevalsrc=exprs=${expr(e)}:s=${rate}${rate === RATE ? '' : `,aresample=${RATE}`}`;
const noise = (color: 'white' | 'pink' | 'brown', seed: number, amplitude = 1) => `anoisesrc=r=${RATE}:c=${color}:seed=${seed}:a=${amplitude}`;

/** Numbers drawn from the request: seeds for the noise, phases and rates for the envelopes. */
class Draw {
  private i = 0;
  private block: Buffer = Buffer.alloc(0);
  constructor(private readonly key: string) {}
  /** A noise seed (anoisesrc takes 0..2^32-1): the next 32 bits of sha256(key, 0), sha256(key, 1), … */
  seed(): number {
    if (this.i % 8 === 0) this.block = hashOf(this.key, this.i / 8);
    return this.block.readUInt32BE((this.i++ % 8) * 4);
  }
  /** A number in [lo, hi), to 3 decimals. */
  in(lo: number, hi: number): number {
    return +(lo + (hi - lo) * (this.seed() / 2 ** 32)).toFixed(3);
  }
}

/**
 * Each recipe is a filtergraph ending in the mono label [m]. Inputs are infinite sources; the common tail
 * cuts them at the exact sample count.
 */
type Recipe = (d: Draw, sec: number) => string;

const RECIPES: Record<SfxKind, Recipe> = {
  // A sheet of pink hiss, with drops: sparse single-sample ticks from the seeded random(), rung by a bandpass.
  rain: (d) => [
    `${noise('pink', d.seed(), 0.6)},highpass=f=${d.in(500, 800)},lowpass=f=${d.in(6000, 9000)}[hiss]`,
    `${evalsrc(`if(eq(n,0),st(0,${d.seed()}),0)*0+0.9*pow(random(0),300)`)},bandpass=f=${d.in(2200, 3600)}:width_type=q:w=4,volume=6[drops]`,
    `[hiss][drops]amix=inputs=2:normalize=0,volume=0.9[m]`,
  ].join(';'),

  // Low noise in two bands whose levels gust on slow, incommensurate sines (never below 40 % at the start),
  // and a thinner whistle above them.
  wind: (d) => {
    const gust = (f1: number, f2: number, p1: number, p2: number) => `0.7+0.3*sin(2*PI*${f1}*t+${p1})*sin(2*PI*${f2}*t+${p2})`;
    return [
      `${noise('brown', d.seed())},bandpass=f=${d.in(250, 450)}:width_type=q:w=0.7[low]`,
      `${evalsrc(gust(d.in(0.08, 0.16), d.in(0.25, 0.45), d.in(0, 6.28), d.in(0, 6.28)), 2000)}[g1]`,
      `${noise('pink', d.seed(), 0.5)},bandpass=f=${d.in(700, 1100)}:width_type=q:w=5[whistle]`,
      `${evalsrc(gust(d.in(0.11, 0.2), d.in(0.3, 0.6), d.in(0, 6.28), d.in(0, 6.28)), 2000)}[g2]`,
      `[low][g1]amultiply,volume=2.2[a]`,
      `[whistle][g2]amultiply,volume=1.5[b]`,
      `[a][b]amix=inputs=2:normalize=0[m]`,
    ].join(';');
  },

  // Babble: pink noise through three speech-formant bands, each chopped at a syllable rate of its own.
  crowd: (d) => {
    const layer = (f: number, w: number, rate: number, tag: string) =>
      `${noise('pink', d.seed(), 0.7)},bandpass=f=${f}:width_type=q:w=${w},tremolo=f=${rate}:d=0.7[${tag}]`;
    return [
      layer(d.in(450, 600), 1.2, d.in(3.2, 4.2), 'c1'),
      layer(d.in(1000, 1400), 1.5, d.in(4.4, 5.4), 'c2'),
      layer(d.in(2200, 2800), 2, d.in(5.6, 6.8), 'c3'),
      `${noise('brown', d.seed(), 0.4)},lowpass=f=300[room]`,
      `[c1][c2][c3][room]amix=inputs=4:normalize=0,volume=1.4[m]`,
    ].join(';');
  },

  // Steps every 0.45–0.62 s, the first at t=0: a heel (fast decay) and a softer toe 70 ms later, on
  // low-passed noise, each step a little louder or softer than the last.
  footsteps: (d) => {
    const p = d.in(0.45, 0.62);
    const m = `mod(t,${p})`;
    const env = `(exp(-45*${m})+0.55*gte(${m},0.07)*exp(-70*(${m}-0.07)))*(0.8+0.2*sin(floor(t/${p})*2.7+${d.in(0, 6.28)}))`;
    return [
      `${noise('white', d.seed())},lowpass=f=${d.in(1800, 2600)},highpass=f=80[grit]`,
      `${evalsrc(env, 8000)}[env]`,
      `[grit][env]amultiply,volume=1.8[m]`,
    ].join(';');
  },

  // A door shutting: a low thud falling in pitch and a noise burst at t=0, the latch's click at ~0.11 s,
  // and a short room reverb (echoes).
  door: (d) => {
    const latch = d.in(0.09, 0.13);
    return [
      `${evalsrc(`0.7*exp(-16*t)*sin(2*PI*(${d.in(60, 85)}*t+1.3*(1-exp(-30*t))))`, 8000)}[thud]`,
      `${noise('white', d.seed())},bandpass=f=${d.in(500, 900)}:width_type=q:w=1[burst]`,
      `${evalsrc(`0.8*exp(-40*t)+0.6*gte(t,${latch})*exp(-250*(t-${latch}))`, 8000)}[benv]`,
      `[burst][benv]amultiply,highpass=f=120[knock]`,
      `[thud][knock]amix=inputs=2:normalize=0,aecho=0.9:0.5:${Math.round(d.in(30, 45))}|${Math.round(d.in(60, 90))}:0.35|0.2[m]`,
    ].join(';');
  },

  // A crack at t=0 (bright noise, fast decay), then a rolling rumble: brown noise under 200 Hz whose level
  // swells and fades over the length, echoed as thunder rolls.
  thunder: (d, sec) => {
    const fall = Math.max(0.4, sec * 0.45).toFixed(3);
    const roll = `(0.55+0.45*exp(-3*t))*exp(-t/${fall})*(0.75+0.25*sin(2*PI*${d.in(0.9, 1.6)}*t+${d.in(0, 6.28)})*sin(2*PI*${d.in(0.4, 0.8)}*t))`;
    return [
      `${noise('white', d.seed())},highpass=f=${d.in(300, 600)}[hiss]`,
      `${evalsrc('exp(-22*t)', 8000)}[cenv]`,
      `[hiss][cenv]amultiply,volume=0.8[crack]`,
      `${noise('brown', d.seed())},lowpass=f=${d.in(150, 220)},lowpass=f=400,volume=3[low]`,
      `${evalsrc(roll, 2000)}[renv]`,
      `[low][renv]amultiply,aecho=0.9:0.7:${Math.round(d.in(250, 400))}|${Math.round(d.in(600, 900))}:0.35|0.25[rumble]`,
      `[crack][rumble]amix=inputs=2:normalize=0,volume=0.7[m]`,
    ].join(';');
  },

  // A brook: bubbles (short rising chirps, 25 ms) from six layers that repeat at incommensurate periods,
  // each repetition at a pitch of its own, over a soft bandpassed hiss of flowing water.
  water: (d) => {
    const bubbles = Array.from({ length: 6 }, () => {
      const period = d.in(0.06, 0.17);
      const m = `mod(t+${d.in(0, 0.05)},${period})`;
      const f = `${d.in(500, 1300)}*(1+0.35*sin(floor(t/${period})*12.9898+${d.in(0, 6.28)}))`;
      return `exp(-40*${m})*sin(2*PI*${f}*(${m}+6*${m}*${m}))`;
    });
    return [
      `${evalsrc(`0.16*(${bubbles.join('+')})`, RATE / 2)}[bub]`,
      `${noise('pink', d.seed(), 0.5)},bandpass=f=${d.in(1500, 2500)}:width_type=q:w=0.8[flow]`,
      `[bub][flow]amix=inputs=2:normalize=0[m]`,
    ].join(';');
  },

  // A soft whoosh over room tone: band-passed pink noise swelling to the middle and falling, from 35 % at t=0.
  other: (d, sec) => [
    `${noise('pink', d.seed(), 0.6)},bandpass=f=${d.in(500, 900)}:width_type=q:w=0.6[air]`,
    `${evalsrc(`0.35+0.65*pow(sin(PI*t/${sec.toFixed(3)}),2)`, 2000)}[env]`,
    `[air][env]amultiply,lowpass=f=4000,volume=2[m]`,
  ].join(';'),
};

/** The effect as a 44.1-kHz stereo WAV of exactly `durationSec` (to the sample) at `req.outPath`. */
export async function synthesiseOfflineSfx(_spec: BackendSpec, req: SfxRequest, ctx: BackendContext): Promise<Written> {
  const sec = req.durationSec;
  const samples = Math.round(sec * RATE);
  const recipe = RECIPES[req.kind] ?? RECIPES.other;
  const graph = [
    recipe(new Draw(hashOf('sfx', req.kind, req.text, req.seed).toString('hex')), sec),
    `[m]atrim=end_sample=${samples},afade=t=in:d=${FADE_IN_SEC},afade=t=out:st=${Math.max(0, samples / RATE - FADE_OUT_SEC).toFixed(6)}:d=${FADE_OUT_SEC},pan=stereo|c0=c0|c1=c0[out]`,
  ].join(';');
  const { outSec } = await runFfmpeg(
    ['-filter_complex', graph, '-map', '[out]', '-c:a', 'pcm_s16le', '-ar', String(RATE), '-fflags', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1', '-f', 'wav', req.outPath],
    {
      signal: ctx.signal,
      niceness: RENDER_NICENESS,
      expectedSec: sec,
      onProgress: (p) => ctx.heartbeat({ stage: 'sfx', kind: req.kind, fraction: p.fraction, outSec: p.outSec }),
    },
  );
  if (!(outSec > 0)) return undefined;
  return { formatName: 'wav', durationSec: outSec, audio: { codec: 'pcm_s16le', sampleRate: RATE, channels: 2, durationSec: outSec } } satisfies ProbeResult;
}
