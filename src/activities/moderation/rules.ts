// The local rules: the shipped terms plus the operator's WEBTV_BLOCKLIST file, and the matcher.
// A term matches a run of tokens whose letters, joined, spell it exactly (a plural "s" allowed), so word
// boundaries hold ("therapist" does not contain "rapist", "Essex" does not contain "sex"). Inside the run,
// punctuation gaps (`s.e.x`, `s-e-x`) and gaps next to a single letter (`s e x`, `S.e x`) are undone;
// a whitespace gap between two real words only counts where the term itself has a word break, so
// "a pen is on the desk" stays clean while "kill   yourself" does not.
import fs from 'node:fs';
import { fold, foldChars, type Folded } from './normalize';
import { CATEGORIES, SHIPPED_TERMS, type LocalCategory } from './shippedTerms';

/** Category of blocklist lines that do not name one. */
export const BLOCKLIST_CATEGORY = 'blocklist';

interface Term { category: string; breaks: Set<number> }

export interface LocalRules {
  /** The categories the text falls into; empty when it is clean. */
  check(text: string): string[];
}

export class BlocklistError extends Error {}

export function compileRules(extra: { terms: { category: string; term: string }[]; patterns: { category: string; re: RegExp }[] } = { terms: [], patterns: [] }): LocalRules {
  const terms = new Map<string, Term[]>();
  let longest = 0;
  const add = (category: string, term: string) => {
    const f = fold(term);
    const joined = f.tokens.join('');
    const breaks = new Set<number>();
    let at = 0;
    for (let k = 0; k < f.tokens.length - 1; k++) breaks.add((at += f.tokens[k].length));
    terms.set(joined, [...(terms.get(joined) ?? []), { category, breaks }]);
    longest = Math.max(longest, joined.length + 1);
  };
  for (const c of CATEGORIES) for (const t of SHIPPED_TERMS[c]) add(c, t);
  for (const t of extra.terms) add(t.category, t.term);

  return {
    check(text: string): string[] {
      const f = fold(text);
      const found = new Set<string>();
      for (const c of matchTerms(f, terms, longest)) found.add(c);
      for (const p of extra.patterns) if (p.re.test(f.spaced)) found.add(p.category);
      return [...found];
    },
  };
}

function matchTerms(f: Folded, terms: Map<string, Term[]>, longest: number): string[] {
  const found: string[] = [];
  const { tokens, hard } = f;
  for (let i = 0; i < tokens.length; i++) {
    let joined = '';
    const strictBreaks: number[] = [];
    for (let j = i; j < tokens.length && joined.length + tokens[j].length <= longest; j++) {
      if (j > i && hard[j - 1] && tokens[j - 1].length > 1 && tokens[j].length > 1) strictBreaks.push(joined.length);
      joined += tokens[j];
      for (const key of joined.endsWith('s') ? [joined, joined.slice(0, -1)] : [joined]) {
        for (const t of terms.get(key) ?? []) {
          if (strictBreaks.every((b) => t.breaks.has(b))) found.push(t.category);
        }
      }
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
