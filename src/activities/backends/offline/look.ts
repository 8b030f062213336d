// How the offline renderer turns a prompt into a look: a procedural source, a palette and a camera move,
// all derived deterministically from the prompt's words and the seed, so different prompts give visibly
// different clips and the same prompt always gives the same clip.
import { hashOf } from '../../media/hashOf';

export interface Look {
  /** lavfi source description, without size/rate (added by the renderer). */
  source: (w: number, h: number, fps: number, seconds: number) => string;
  sourceName: string;
  hue: number;
  saturation: number;
  brightness: number;
  /** Camera move over the clip: pan direction in [-1, 1] on each axis. */
  panX: number;
  panY: number;
}

const PALETTE_WORDS: [RegExp, number][] = [
  [/\b(ocean|sea|water|rain|ice|blue|night)\b/i, 210],
  [/\b(forest|jungle|grass|green|garden)\b/i, 120],
  [/\b(fire|sunset|desert|lava|orange|autumn)\b/i, 25],
  [/\b(neon|cyberpunk|synthwave|purple)\b/i, 290],
  [/\b(gold|golden|sun|sunny|yellow)\b/i, 55],
  [/\b(blood|red|rose)\b/i, 0],
];

export function lookFor(prompt: string, seed: number): Look {
  const h = hashOf(prompt.trim().toLowerCase(), seed);
  const pick = (i: number, n: number) => h[i] % n;
  const keyed = PALETTE_WORDS.find(([re]) => re.test(prompt));
  const hue = keyed ? keyed[1] + (pick(1, 30) - 15) : pick(1, 360);
  const dim = /\b(dim|dark|night|shadow|moody|noir)\b/i.test(prompt);
  const vivid = /\b(neon|vivid|colorful|colourful|bright)\b/i.test(prompt);
  const s = h.readUInt32BE(4) % 100000;
  const sources: { name: string; make: Look['source'] }[] = [
    {
      name: 'cellauto',
      make: (w, hh, fps) => `cellauto=s=${w}x${hh}:rate=${fps}:rule=${[30, 90, 110, 150, 182][pick(8, 5)]}:seed=${s}:scroll=1:full=1`,
    },
    {
      name: 'life',
      make: (w, hh, fps) =>
        `life=s=${w}x${hh}:rate=${fps}:seed=${s}:ratio=0.${2 + pick(9, 5)}:mold=${5 + pick(10, 20)}:life_color=#${h.subarray(11, 14).toString('hex')}:death_color=#${h.subarray(14, 17).toString('hex')}:mold_color=#${h.subarray(17, 20).toString('hex')}`,
    },
    {
      name: 'gradients',
      make: (w, hh, fps) => `gradients=s=${w}x${hh}:rate=${fps}:seed=${s}:speed=0.0${2 + pick(12, 8)}:n=${3 + pick(13, 5)}`,
    },
    {
      name: 'mandelbrot',
      // Every pixel inside the set costs `maxiter` iterations: at ffmpeg's default (7189) and full size a
      // deep zoom took 14 CPU-s per 3-s shot, 50× the other sources. Half size scaled up, and 256
      // iterations: ≤ 0.9 CPU-s (1024: 1.9), the same kind of picture with less detail on the set's edge.
      make: (w, hh, fps, seconds) => `mandelbrot=s=${Math.round(w / 4) * 2}x${Math.round(hh / 4) * 2}:rate=${fps}:end_pts=${seconds}:end_scale=0.${1 + pick(14, 8)}:inner=${['black', 'convergence', 'mincol', 'period'][pick(15, 4)]}:maxiter=256,scale=${w}:${hh}:flags=bicubic`,
    },
  ];
  const src = sources[pick(0, sources.length)];
  return {
    source: src.make,
    sourceName: src.name,
    hue: ((hue % 360) + 360) % 360,
    saturation: vivid ? 2 : 0.8 + pick(2, 8) / 10,
    brightness: dim ? -0.18 : 0,
    panX: (pick(3, 201) - 100) / 100,
    panY: (pick(5, 201) - 100) / 100,
  };
}

/** The caption: the prompt's words, wrapped to lines of at most `width` characters. */
export function captionLines(prompt: string, width = 64, maxLines = 4): string {
  const words = prompt.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] += ' …';
  }
  return lines.join('\n');
}
