// The local rules: the shipped terms plus the operator's WEBTV_BLOCKLIST file, and the matcher.
// Texts and terms are folded to their skeleton (normalize.ts); a term is found where a run of cells spells
// it, with these allowances, each aimed at an evasion people use:
// - a cell may be any letter it can stand for (`k1ll`, `f*ck`, `sh!t`), and a letter may repeat (`fuuuck`),
//   but a term's own double letter is not read into a single one ("Niger", "bobs" and "fagot" are words);
// - the run may cross punctuation (`s.e.x`) and whitespace (`mur der`, a line break), but a term spelled
//   across whitespace by ordinary words only counts where the term itself has a space ("a pen is" is
//   clean, "kill   yourself" is not);
// - it starts at a word's start (or after a compounding word: `neonazi`) and ends at its end, or before
//   an inflection (`murderers`, `raping`) or a compounding word (`pornstar`). So "therapist", "Essex" and
//   "Scunthorpe" stay clean: the term is not a whole morpheme there. Known innocent words are allowed.
// Also refused: texts whose display is manipulated (bidi controls, piles of combining marks), whatever they say.
import fs from 'node:fs';
import { displayTrickProblem, foldChars } from '../../shared/skeleton';
import { fold, type Folded } from './normalize';
import { ALLOWED_PHRASES, ALLOWED_WORDS, COMMON_WORDS, COMPOUND_HEADS, COMPOUND_TAILS, E_DROP_SUFFIXES, SUFFIXES } from './lexicon';
import { CATEGORIES, SHIPPED_TERMS, type LocalCategory } from './shippedTerms';

/** Category of blocklist lines that do not name one. */
export const BLOCKLIST_CATEGORY = 'blocklist';
/** Category of texts that hide or scramble what they show (bidi controls, combining-mark piles). */
export const DISPLAY_TRICK_CATEGORY = 'display-trick';

interface Term {
  category: string;
  /** Where the term has a word break (letter offsets). */
  breaks: Set<number>;
  /** This is the term without its final e: it must go on with an ending like -ing (`raping`). */
  eDrop: boolean;
}

interface Node {
  id: number;
  ch: string;
  next: Map<string, Node>;
  terms: Term[];
}

export interface LocalRules {
  /** The categories the text falls into; empty when it is clean. */
  check(text: string): string[];
}

export class BlocklistError extends Error {}

/** The term's letters and word breaks. */
function termShape(term: string): { letters: string; breaks: number[] } | undefined {
  const pieces = fold(term).tokens.map((t) => t.core);
  if (!pieces.join('')) return undefined;
  const breaks: number[] = [];
  let at = 0;
  for (let k = 0; k < pieces.length - 1; k++) breaks.push((at += pieces[k].length));
  return { letters: pieces.join(''), breaks };
}

export function compileRules(extra: { terms: { category: string; term: string }[]; patterns: { category: string; re: RegExp }[] } = { terms: [], patterns: [] }): LocalRules {
  let ids = 0;
  const root: Node = { id: ids++, ch: '', next: new Map(), terms: [] };
  const insert = (letters: string, term: Term) => {
    let node = root;
    for (const ch of letters) {
      let child = node.next.get(ch);
      if (!child) node.next.set(ch, (child = { id: ids++, ch, next: new Map(), terms: [] }));
      node = child;
    }
    node.terms.push(term);
  };
  const add = (category: string, term: string) => {
    const shape = termShape(term);
    if (!shape) return;
    const breaks = new Set(shape.breaks);
    insert(shape.letters, { category, breaks, eDrop: false });
    if (shape.letters.length > 3 && shape.letters.endsWith('e')) insert(shape.letters.slice(0, -1), { category, breaks, eDrop: true });
  };
  for (const c of CATEGORIES) for (const t of SHIPPED_TERMS[c]) add(c, t);
  for (const t of extra.terms) add(t.category, t.term);
  const allowedPhrases = ALLOWED_PHRASES.map((p) => fold(p).tokens.map((t) => t.core));

  return {
    check(text: string): string[] {
      if (displayTrickProblem(text)) return [DISPLAY_TRICK_CATEGORY];
      const f = fold(text);
      const found = matchTerms(f, root, ids, allowedRanges(f, allowedPhrases));
      for (const p of extra.patterns) if (p.re.test(f.spaced)) found.add(p.category);
      return [...found];
    },
  };
}

/** Token ranges [first, last] covered by an allowed phrase. */
function allowedRanges(f: Folded, phrases: string[][]): [number, number][] {
  const out: [number, number][] = [];
  for (const words of phrases) {
    for (let k = 0; k + words.length <= f.tokens.length; k++) {
      if (words.every((w, j) => f.tokens[k + j].core === w)) out.push([k, k + words.length - 1]);
    }
  }
  return out;
}

/** Wildcards (`*`) one match may use: `f**k` yes, a row of stars no. */
const MAX_WILDCARDS = 2;
const VOWELS = 'aeiouy';
const longest = (words: Iterable<string>) => Math.max(...[...words].map((w) => w.length));
const MAX_TAIL = longest([...SUFFIXES, ...COMPOUND_TAILS].map((w) => w + 'es'));
const MAX_HEAD = longest(COMPOUND_HEADS);

function matchTerms(f: Folded, root: Node, nodeCount: number, allowed: [number, number][]): Set<string> {
  const { cells, tokens, hard } = f;
  const found = new Set<string>();
  const lettersOf = (a: number, b: number) => {
    let s = '';
    for (let k = a; k < b; k++) s += cells[k].ch;
    return s;
  };

  const accept = (start: number, end: number, term: Term) => {
    if (found.has(term.category)) return;
    const first = cells[start].tok;
    const last = cells[end].tok;
    const endTok = tokens[last];
    if (endTok.coreEnd - end - 1 > MAX_TAIL) return;
    const rest = end + 1 >= endTok.coreEnd ? '' : lettersOf(end + 1, endTok.coreEnd);
    // A doubled last letter before the ending is another word (`rapping`, `rapped`), not a stretch.
    const restOk = term.eDrop
      ? E_DROP_SUFFIXES.has(rest) && cells[end].ch !== cells[end - 1]?.ch
      : rest === '' || SUFFIXES.has(rest) || COMPOUND_TAILS.has(rest) || COMPOUND_TAILS.has(rest.replace(/e?s$/, ''))
        // English doubles a last consonant before a vowel ending: `slutty`, `stabbing`.
        || (rest[0] === cells[end].ch && VOWELS.includes(rest[1]) && SUFFIXES.has(rest.slice(1)));
    if (!restOk) return;
    if (first === last && ALLOWED_WORDS.has(tokens[first].core)) return;
    if (allowed.some(([a, b]) => a <= first && last <= b)) return;
    if (first !== last) {
      let crossesSpace = false;
      for (let k = first; k < last; k++) crossesSpace ||= hard[k];
      if (crossesSpace) {
        const pieces: string[] = [];
        for (let k = first; k <= last; k++) {
          const t = tokens[k];
          // The last word whole, ending included: "tit sings" is two words, not "tit" + "s".
          pieces.push(lettersOf(Math.max(t.coreStart, start), k === last ? t.coreEnd : Math.min(t.coreEnd, end + 1)));
        }
        if (pieces.every((p) => COMMON_WORDS.has(p))) {
          // Ordinary words side by side: only where the term itself breaks, between the same pieces.
          let at = 0;
          for (let k = 0; k < pieces.length - 1; k++) {
            at += pieces[k].length;
            if (hard[first + k] && !term.breaks.has(at)) return;
          }
        }
      }
    }
    found.add(term.category);
  };

  // A stretched letter: a vowel twice or more (`fuuck`), a consonant three times or more (`murrrder`),
  // so that a double consonant stays a word of its own ("rapping", "rapped"). Symbols may always repeat.
  const stretched = new Uint8Array(cells.length);
  for (let i = 0; i < cells.length;) {
    let j = i + 1;
    while (j < cells.length && cells[j].ch === cells[i].ch && cells[j].tok === cells[i].tok) j++;
    const min = VOWELS.includes(cells[i].ch) ? 2 : 3;
    for (let k = i; k < j; k++) stretched[k] = Number(j - i >= min || cells[k].alts.length > 1);
    i = j;
  }

  const seen = new Set<number>();
  let start = 0;
  // Depth-first over (cell, trie node, wildcards used); each is visited once per start, so a stretched
  // letter or a run of symbols costs at most cells × nodes.
  const visit = (i: number, node: Node, wild: number): void => {
    const key = (i * nodeCount + node.id) * (MAX_WILDCARDS + 1) + wild;
    if (seen.has(key)) return;
    seen.add(key);
    for (const t of node.terms) accept(start, i, t);
    const next = i + 1;
    if (next >= cells.length) return;
    const tok = tokens[cells[i].tok];
    // Symbols trailing a word may be punctuation: go on from the next word too.
    if (next < tok.end && next >= tok.coreEnd && tok.end < cells.length) step(tok.end, node, wild);
    step(next, node, wild);
  };
  const step = (next: number, node: Node, wild: number): void => {
    const cell = cells[next];
    if (cell.alts === '*') {
      // A star is one letter, never a repeat.
      if (wild < MAX_WILDCARDS) for (const child of node.next.values()) visit(next, child, wild + 1);
      return;
    }
    if (node !== root && stretched[next] && cell.alts.includes(node.ch)) visit(next, node, wild); // a repeated letter
    for (const ch of cell.alts) {
      const child = node.next.get(ch);
      if (child) visit(next, child, wild);
    }
  };

  for (const t of tokens) {
    const starts: number[] = [];
    // Leading symbols may be letters (`$ex`) or not (`"(sex)"`); a few are enough to try.
    for (let k = Math.max(t.start, t.coreStart - 3); k <= t.coreStart; k++) starts.push(k);
    for (let k = t.coreStart + 2; k < Math.min(t.coreEnd, t.coreStart + MAX_HEAD + 1); k++) {
      if (COMPOUND_HEADS.has(lettersOf(t.coreStart, k))) starts.push(k);
    }
    for (const s of starts) {
      start = s;
      seen.clear();
      step(s, root, 0);
    }
  }
  return found;
}

/**
 * Reads a blocklist: one term or `/regex/` (`/regex/i`) per line, optionally prefixed by a category
 * (`violence: …`); `#` starts a comment line. Throws a BlocklistError naming the file and line.
 */
export function readBlocklist(file: string): { terms: { category: string; term: string }[]; patterns: { category: string; re: RegExp }[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new BlocklistError(`WEBTV_BLOCKLIST: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); fix the path or unset WEBTV_BLOCKLIST`);
  }
  const terms: { category: string; term: string }[] = [];
  const patterns: { category: string; re: RegExp }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const where = `WEBTV_BLOCKLIST ${file} line ${index + 1}`;
    const prefixed = /^([a-z-]+)\s*:\s*(.*)$/i.exec(line);
    const named = prefixed && (CATEGORIES as readonly string[]).includes(prefixed[1].toLowerCase());
    const category = named ? (prefixed![1].toLowerCase() as LocalCategory) : BLOCKLIST_CATEGORY;
    const body = named ? prefixed![2].trim() : line;
    if (body.startsWith('/')) {
      const m = /^\/(.+)\/([a-z]*)$/.exec(body);
      if (!m) throw new BlocklistError(`${where}: a pattern must look like /pattern/ or /pattern/i`);
      if (m[2] && m[2] !== 'i') throw new BlocklistError(`${where}: only the i flag is allowed (patterns are matched on lower-cased text), got /${m[2]}`);
      let re: RegExp;
      try {
        re = new RegExp(m[1], 'i');
      } catch (err) {
        throw new BlocklistError(`${where}: not a valid regular expression (${(err as Error).message})`);
      }
      if (re.test('')) throw new BlocklistError(`${where}: the pattern matches empty text, so it would reject everything`);
      patterns.push({ category, re });
      return;
    }
    const letters = foldChars(body).replace(/[^\p{L}\p{N}]/gu, '');
    if (letters.length < 2) throw new BlocklistError(`${where}: a term needs at least two letters or digits (got ${JSON.stringify(body)})`);
    terms.push({ category, term: body });
  });
  return { terms, patterns };
}

export function loadRules(blocklistPath?: string): LocalRules {
  return compileRules(blocklistPath ? readBlocklist(blocklistPath) : undefined);
}
