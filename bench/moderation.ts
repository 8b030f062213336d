// How long one check of the local moderation rules takes (printed, no assertions; the goal is the
// 200-character worst case under 1 ms): a typical theme, and 200-character texts built to make the
// matcher work hardest (wildcards, ambiguous symbols, single letters, look-alikes, stretched letters).
import { performance } from 'node:perf_hooks';
import { loadRules } from '../src/activities/moderation/rules';
import { SUGGESTION_MAX_CHARS } from '../src/shared/suggestions';
import { skeleton } from '../src/shared/skeleton';

const fit = (unit: string) => unit.repeat(Math.ceil(SUGGESTION_MAX_CHARS / unit.length)).slice(0, SUGGESTION_MAX_CHARS);

export async function main(): Promise<void> {
  const rules = loadRules();
  const texts: [string, string][] = [
    ['typical theme (62 chars)', 'A calm nature documentary: misty forests at dawn, foxes and deer'],
    ['wildcards in one word', `f${'*'.repeat(SUGGESTION_MAX_CHARS - 2)}k`],
    ['ambiguous symbols (! | 1)', fit('k!|1')],
    ['wildcard and letters', fit('s*x*')],
    ['single letters spaced', fit('s e x k i l ')],
    ['stretched letters', fit('fuuuuuuckkkk')],
    ['look-alikes, small capitals', fit('ꜱᴇх ᴘᴏʀɴ ')],
    ['term prefixes, never ending', fit('murde')],
    ['leading symbols', `${'$'.repeat(SUGGESTION_MAX_CHARS - 1)}x`],
    ['ordinary words', fit('a pen is on the desk ')],
  ];
  const timeOf = (text: string) => {
    for (let i = 0; i < 200; i++) rules.check(text); // warm up
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) rules.check(text);
    return (performance.now() - t0) / n;
  };
  timeOf(texts[0][1]);
  const typical = timeOf(texts[0][1]);
  let worst = 0;
  for (const [name, text] of texts) {
    const ms = timeOf(text);
    worst = Math.max(worst, ms);
    console.log(`${name.padEnd(30)} ${String([...text].length).padStart(3)} chars  ${(ms * 1000).toFixed(1).padStart(7)} µs per check  ${(ms / typical).toFixed(1).padStart(5)}× typical`);
  }
  const key0 = performance.now();
  for (let i = 0; i < 2000; i++) skeleton(texts[6][1]);
  console.log(`suggestion key (skeleton) of 200 chars: ${((performance.now() - key0) / 2000 * 1000).toFixed(1)} µs`);
  console.log(`200-character worst case: ${(worst * 1000).toFixed(1)} µs per check (goal: under 1 ms) → ${worst < 1 ? 'ok' : 'TOO SLOW'}`);
}
