// The offline synthesiser's score: tempo and key come from the mood words, the melody from the seed.
import { hashOf } from '../../media/hashOf';

export interface Score { bpm: number; rootHz: number; minor: boolean; left: string; right: string }

const SLOW = /\b(calm|slow|dim|sad|melanchol\w*|dreamy|quiet|ambient|night|lonely|moody)\b/i;
const FAST = /\b(energetic|fast|upbeat|action|chase|happy|dance|epic|frantic|bright)\b/i;
const MINOR = /\b(dim|dark|sad|melanchol\w*|moody|noir|tense|mysterious|lonely|night)\b/i;

export function musicFor(description: string, seed: number): Score {
  const h = hashOf(description.toLowerCase(), seed);
  const bpm = FAST.test(description) ? 128 + (h[0] % 24) : SLOW.test(description) ? 64 + (h[0] % 16) : 90 + (h[0] % 20);
  const minor = MINOR.test(description);
  // A root between A2 and A3, on a semitone.
  const rootHz = +(110 * 2 ** ((h[1] % 12) / 12)).toFixed(3);
  const steps = minor ? [0, 3, 7, 10, 12, 7, 3, 15] : [0, 4, 7, 11, 12, 7, 4, 16];
  // Rotate the arpeggio by the seed so two episodes with the same mood still differ.
  const rot = h[2] % steps.length;
  const seq = [...steps.slice(rot), ...steps.slice(0, rot)];
  const bps = bpm / 60;
  const k = `mod(floor(t*${bps.toFixed(4)})\\,${seq.length})`;
  const semis = seq.reduceRight((acc, s, i) => (i === seq.length - 1 ? String(s) : `if(eq(${k}\\,${i})\\,${s}\\,${acc})`), '');
  const env = `exp(-4*mod(t*${bps.toFixed(4)}\\,1))`;
  const voice = (detune: number) =>
    `0.22*${env}*sin(2*PI*${rootHz}*${detune}*pow(2\\,(${semis})/12)*t)+0.07*sin(2*PI*${(rootHz / 2).toFixed(3)}*t)*(0.6+0.4*sin(2*PI*t*${(bps / 4).toFixed(4)}))`;
  return { bpm, rootHz, minor, left: voice(1), right: voice(1.003) };
}
