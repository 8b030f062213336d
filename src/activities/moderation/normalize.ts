// Turns a text into the cells the local rules match against: the skeleton (shared/skeleton.ts: NFKC,
// invisible characters, accents, case, Unicode's confusables) cut into tokens, each character a cell that
// knows which letters it may be (a letter is itself; `1`, `!` and `|` may be i or l; `*` any letter).
// Symbols at a token's edges are kept but marked, so the matcher may read them as letters (`$ex`) or
// as punctuation (`kill!`). Each gap between tokens remembers whether it held whitespace ("hard", a word
// break) or only punctuation ("soft", as in `s.e.x` or `s-e-x`).
import { STAND_INS, charKind, foldChars } from '../../shared/skeleton';

export interface Cell {
  /** The letter it most likely is (a digit in a number stays a digit; `*` for a wildcard). */
  ch: string;
  /** Every letter it may stand for; '*' = any. */
  alts: string;
  /** A symbol standing in for a letter: optional at a token's edges. */
  sym: boolean;
  tok: number;
}

export interface Token {
  start: number;
  /** Exclusive. */
  end: number;
  /** The token without symbols at its edges: [coreStart, coreEnd). */
  coreStart: number;
  coreEnd: number;
  /** The core's letters (cells' `ch`). */
  core: string;
}

export interface Folded {
  cells: Cell[];
  tokens: Token[];
  /** hard[k] is true when whitespace separates tokens k and k+1. */
  hard: boolean[];
  /** The tokens' cores joined by single spaces: what `/regex/` blocklist lines are tested against. */
  spaced: string;
}

const isDigit = (c: string) => c >= '0' && c <= '9';

export function fold(text: string): Folded {
  const cells: Cell[] = [];
  const tokens: Token[] = [];
  const hard: boolean[] = [];
  let run: string[] = [];
  let gapHasSpace = false;
  const flush = () => {
    // `*` stands for a letter inside a word (`f*ck`), but at its edges it is emphasis (`*kind*`).
    let chars = run;
    run = [];
    while (chars[0] === '*') chars = chars.slice(1);
    while (chars.at(-1) === '*') chars = chars.slice(0, -1);
    let a = 0;
    let b = chars.length;
    while (a < b && charKind(chars[a]) !== 'letter') a++;
    while (b > a && charKind(chars[b - 1]) !== 'letter') b--;
    if (a === b) return; // only symbols: punctuation after all
    const number = chars.slice(a, b).every(isDigit);
    const tok = tokens.length;
    const start = cells.length;
    for (const c of chars) {
      const stand = STAND_INS[c];
      if (!stand || number) cells.push({ ch: c, alts: c, sym: false, tok });
      else cells.push({ ch: stand[0], alts: isDigit(c) ? c + stand : stand, sym: !isDigit(c), tok });
    }
    if (tok > 0) hard.push(gapHasSpace);
    gapHasSpace = false;
    tokens.push({
      start, end: cells.length, coreStart: start + a, coreEnd: start + b,
      core: cells.slice(start + a, start + b).map((c) => c.ch).join(''),
    });
  };
  for (const ch of foldChars(text)) {
    const kind = charKind(ch);
    if (kind === 'letter' || kind === 'stand-in') {
      run.push(ch);
      continue;
    }
    flush();
    if (kind === 'space') gapHasSpace = true;
  }
  flush();
  return { cells, tokens, hard, spaced: tokens.map((t) => t.core).join(' ') };
}
