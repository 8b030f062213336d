// Folds a text into the form the local rules match against, so the usual evasions collapse onto the plain
// word: fullwidth and other compatibility forms (NFKC), zero-width and other invisible characters, accents
// and other combining marks, mixed case, look-alike Cyrillic/Greek letters and common digit/symbol swaps.
// The text is then cut into tokens (runs of letters and digits); each gap between tokens remembers whether it
// held whitespace ("hard", a word break) or only punctuation ("soft", as in `s.e.x` or `s-e-x`), which
// is what lets the matcher undo `S.e x` without gluing ordinary words like "pen is" together.
// Hand-written: the npm confusable/leet packages either pull in large tables for every script or do not
// keep the word boundaries we need; this covers the evasions the issue names, and tests pin them.

/** Letters people swap in to dodge filters; only used for matching, never shown. */
const LOOK_ALIKES: Record<string, string> = {
  // Cyrillic
  'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's', 'к': 'k',
  // Greek
  'α': 'a', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x',
  // digits and symbols
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's',
};

const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;
const MARKS = /\p{M}/gu;
const TOKEN_CHAR = /[\p{L}\p{N}]/u;
const SPACE = /[\s\p{Z}]/u;

export interface Folded {
  tokens: string[];
  /** hard[k] is true when whitespace separates tokens k and k+1. */
  hard: boolean[];
  /** The tokens joined by single spaces: what `/regex/` blocklist lines are tested against. */
  spaced: string;
}

export function foldChars(text: string): string {
  const s = text.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().normalize('NFD').replace(MARKS, '');
  let out = '';
  for (const ch of s) out += LOOK_ALIKES[ch] ?? ch;
  return out;
}

export function fold(text: string): Folded {
  const tokens: string[] = [];
  const hard: boolean[] = [];
  let current = '';
  let gapHasSpace = false;
  for (const ch of foldChars(text)) {
    if (TOKEN_CHAR.test(ch)) {
      if (!current && tokens.length) hard.push(gapHasSpace);
      current += ch;
      gapHasSpace = false;
    } else {
      if (current) tokens.push(current);
      current = '';
      if (SPACE.test(ch)) gapHasSpace = true;
    }
  }
  if (current) tokens.push(current);
  return { tokens, hard, spaced: tokens.join(' ') };
}
