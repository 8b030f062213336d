// The skeleton of a text: what it looks like, with the look-alikes people use to dodge a filter folded onto
// plain Latin letters (UTS #39 confusables, confusables.ts), so that two spellings that read the same fold
// the same. Used by the moderation rules (activities/moderation) and, in workflow code, by suggestion
// de-duplication and bans: pure and deterministic, no Node imports.
// Steps: NFKC (fullwidth, mathematical and circled letters), invisible characters dropped, regional
// indicators and enclosed letters read as letters, lower case, accents and other marks dropped, then the
// confusables table (Cyrillic/Greek/Armenian/Cherokee look-alikes, small capitals, dotless i and j).
import { CONFUSABLES } from './confusables';

/**
 * Digits and symbols typed for letters, with the letters each may stand for (first = the usual one).
 * `*` stands for any letter (`f*ck`).
 */
export const STAND_INS: Readonly<Record<string, string>> = {
  '0': 'o', '1': 'il', '2': 'z', '3': 'e', '4': 'a', '5': 's', '6': 'gb', '7': 't', '8': 'b', '9': 'g',
  '@': 'a', '$': 's', '€': 'e', '¢': 'c', '§': 's', '¥': 'y', '!': 'il', '¡': 'i', '|': 'il', '(': 'c', '[': 'c',
  '{': 'c', '<': 'c', '+': 't', '#': 'h', '*': '*',
};

/** Bidirectional embedding, override and isolate controls: they can show a text in another order than it is read. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u;
/**
 * More than two combining marks on one letter ("Zalgo" text), after canonical decomposition. Only the
 * script-neutral combining blocks count: a Hindi syllable such as ज़िं carries three marks of its own script.
 */
const MARK_PILE = /[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{3}/u;
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;
const MARKS = /\p{M}/gu;
/** Regional indicators 🇦–🇿, negative circled 🅐–🅩, squared 🄰–🅉 (also NFKC's) and negative squared 🅰–🆉. */
const ENCLOSED = /[\u{1F1E6}-\u{1F1FF}\u{1F130}-\u{1F149}\u{1F150}-\u{1F169}\u{1F170}-\u{1F189}]/gu;
const ENCLOSED_BASES = [0x1f130, 0x1f150, 0x1f170, 0x1f1e6];

/** Why a text must not be shown, whatever it says: it hides or scrambles what it shows; undefined when fine. */
export function displayTrickProblem(text: string): 'bidi-control' | 'combining-marks' | undefined {
  if (BIDI_CONTROLS.test(text)) return 'bidi-control';
  if (MARK_PILE.test(text.normalize('NFD'))) return 'combining-marks';
  return undefined;
}

function enclosedLetter(ch: string): string {
  const cp = ch.codePointAt(0)!;
  let base = ENCLOSED_BASES[0];
  for (const b of ENCLOSED_BASES) if (cp >= b) base = b;
  return String.fromCharCode(0x61 + cp - base);
}

/** The text folded character by character (spaces and punctuation kept), before symbols are read as letters. */
export function foldChars(text: string): string {
  const s = text.normalize('NFKC').replace(INVISIBLE, '').replace(ENCLOSED, enclosedLetter)
    .toLowerCase().normalize('NFD').replace(MARKS, '');
  let out = '';
  for (const ch of s) out += CONFUSABLES[ch] ?? ch;
  return out;
}

export type CharKind = 'letter' | 'stand-in' | 'space' | 'other';
const LETTER = /[\p{L}\p{N}]/u;
const SPACE = /[\s\p{Z}]/u;

/** How a folded character counts: a letter or digit, a symbol that may stand for a letter, a space, or punctuation. */
export function charKind(ch: string): CharKind {
  if (ch in STAND_INS && !/[0-9]/.test(ch)) return 'stand-in';
  if (LETTER.test(ch)) return 'letter';
  if (SPACE.test(ch)) return 'space';
  return 'other';
}

/**
 * The words of a text as they read: folded, digits and symbols inside a word read as the letters they stand
 * for (`k1ll`, `$ex`, `sh!t`), symbols at a word's edges dropped (`kill!`), numbers left as numbers.
 */
export function skeletonWords(text: string): string[] {
  const words: string[] = [];
  let run: string[] = [];
  const flush = () => {
    let a = 0;
    let b = run.length;
    while (a < b && charKind(run[a]) !== 'letter') a++;
    while (b > a && charKind(run[b - 1]) !== 'letter') b--;
    const word = run.slice(a, b);
    run = [];
    if (!word.length) return;
    const isNumber = word.every((c) => c >= '0' && c <= '9');
    words.push(isNumber ? word.join('') : word.map((c) => (c in STAND_INS ? STAND_INS[c][0] : c)).join(''));
  };
  for (const ch of foldChars(text)) {
    const kind = charKind(ch);
    if (kind === 'letter' || kind === 'stand-in') run.push(ch);
    else flush();
  }
  flush();
  return words;
}

/**
 * One key for the spellings of one text: its words (above) with repeated letters collapsed (`keeeper`),
 * joined by single spaces.
 */
export function skeleton(text: string): string {
  return skeletonWords(text).map((w) => (/^[0-9]+$/.test(w) ? w : w.replace(/(\D)\1+/gu, '$1'))).join(' ');
}
