// Viewers' theme suggestions and their votes, as the channel workflow keeps them: ranking, bounding and
// de-duplication. Pure and deterministic (the workflow bundle imports it): no clock, no randomness, no I/O.
import { fnv1a } from './fnv1a';
import { z } from 'zod';
import { skeleton } from './skeleton';
import { themeProblem } from './validation';

export const SUGGESTION_MAX_CHARS = 200;
/** Suggestions a channel holds at once (waiting for moderation or visible); the top 50 by votes. */
export const SUGGESTIONS_MAX = 50;
/**
 * Voter ids a suggestion remembers for de-duplication in the workflow: 50 × 500 ids stay under ~0.5 MB
 * of state through continue-as-new (Temporal's payload limit is 2 MB). Votes beyond still count; their
 * repeats are then stopped by the web server's own per-viewer check alone.
 */
export const VOTERS_KEPT_MAX = 500;
/** Banned texts and viewers remembered (oldest forgotten first), so the ban list stays bounded too. */
export const BANS_MAX = 500;

export interface Suggestion {
  id: string;
  text: string;
  /** The viewer id (from the web server's signed cookie) that suggested it. */
  viewer: string;
  /** Order of arrival: ties in votes go to the lower (older) one. */
  seq: number;
  at: string;
  votes: number;
  /** Viewer ids that voted, so a repeated vote is dropped here even if the web server sent it twice. */
  voters: string[];
  /** 'checking' until moderation passes it; never shown before. */
  state: 'checking' | 'visible';
}

export interface SuggestionBox {
  items: Suggestion[];
  nextSeq: number;
  /**
   * Hashes of banned texts (the texts themselves are not kept): `k2:…` of their skeleton (skeletonKey),
   * or, for bans made before the skeleton existed, 8 hex digits of textKey.
   */
  bannedTexts: string[];
  bannedViewers: string[];
  rejected: number;
  votesCounted: number;
  /** Suggestions that became an episode's theme. */
  taken: number;
}

/** What people see of a suggestion: no viewer ids. */
export interface SuggestionView {
  id: string;
  text: string;
  votes: number;
  at: string;
}

export const viewerIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a viewer id is 8-64 letters, digits, "-" or "_"');
export const suggestInputSchema = z.object({ text: z.string(), viewer: viewerIdSchema }).strict();
export type SuggestInput = z.infer<typeof suggestInputSchema>;
export const voteSchema = z.object({ id: z.string().max(32), viewer: viewerIdSchema }).strict();
export type Vote = z.infer<typeof voteSchema>;
export const voteBatchSchema = z.object({ votes: z.array(voteSchema).max(10_000) }).strict();
export type VoteBatch = z.infer<typeof voteBatchSchema>;

export function emptySuggestionBox(): SuggestionBox {
  return { items: [], nextSeq: 1, bannedTexts: [], bannedViewers: [], rejected: 0, votesCounted: 0, taken: 0 };
}


/**
 * The first key (case, accents, width and spacing folded), hashed with 32-bit FNV-1a so a banned text is
 * not kept in the workflow's state. Bans made before skeletonKey are hashes of this: keep it as it is.
 */
export function textKey(text: string): string {
  return fnv1a(text.normalize('NFKD').replace(/[\u0300-\u036f\u200b-\u200d\u2060\ufeff]/g, '').toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ').trim());
}

/**
 * The key two spellings of one theme share when they read the same: the skeleton (look-alike letters,
 * symbols and digits in words, repeated letters, invisible characters; shared/skeleton.ts), hashed.
 */
export function skeletonKey(text: string): string {
  return `k2:${fnv1a(skeleton(text))}`;
}

const sameText = (a: string, b: string) => skeletonKey(a) === skeletonKey(b) || textKey(a) === textKey(b);

/** Why this suggestion cannot go in the box, as a sentence for the viewer; undefined when it can. */
export function suggestionProblem(box: SuggestionBox, input: unknown): string | undefined {
  const parsed = suggestInputSchema.safeParse(input);
  if (!parsed.success) return `a suggestion is {"text": "…", "viewer": "<id>"}: ${parsed.error.issues[0]?.message}`;
  const { text, viewer } = parsed.data;
  const problem = themeProblem(text)?.replace(/\btheme\b/, 'suggestion');
  if (problem) return problem;
  if (text.trim().length > SUGGESTION_MAX_CHARS) {
    return `the suggestion is ${text.trim().length} characters long; keep it to ${SUGGESTION_MAX_CHARS} or fewer`;
  }
  if (box.bannedViewers.includes(viewer)) return 'suggestions from this viewer are not accepted on this channel';
  // Bans made before skeletonKey hold textKey hashes: check both.
  if (box.bannedTexts.includes(skeletonKey(text)) || box.bannedTexts.includes(textKey(text))) return 'that suggestion is not accepted on this channel';
  if (box.items.some((s) => sameText(s.text, text))) return 'that theme is already suggested: vote for it instead';
  if (box.items.length >= SUGGESTIONS_MAX) {
    return `the suggestion box is full (${SUGGESTIONS_MAX} waiting): vote for one, or suggest again after the next episode starts`;
  }
  return undefined;
}

/** Adds a checked suggestion (call suggestionProblem first); it stays hidden until moderation passes it. */
export function addSuggestion(box: SuggestionBox, input: SuggestInput, at: string): Suggestion {
  const seq = box.nextSeq++;
  const s: Suggestion = { id: `s${seq}`, text: input.text.trim(), viewer: input.viewer, seq, at, votes: 0, voters: [], state: 'checking' };
  box.items.push(s);
  return s;
}

export function markVisible(box: SuggestionBox, id: string): void {
  const s = box.items.find((x) => x.id === id);
  if (s) s.state = 'visible';
}

/** Drops a suggestion moderation refused; only the count remains. */
export function rejectSuggestion(box: SuggestionBox, id: string): void {
  const before = box.items.length;
  box.items = box.items.filter((x) => x.id !== id);
  if (box.items.length < before) box.rejected++;
}

export function removeSuggestion(box: SuggestionBox, id: string): Suggestion | undefined {
  const s = box.items.find((x) => x.id === id);
  box.items = box.items.filter((x) => x.id !== id);
  return s;
}

/**
 * Removes it and refuses its text (in any spelling the key folds) and its viewer from now on. The key is
 * skeletonKey; `bySkeleton` false keeps the first key, for workflow histories recorded before it (patched()).
 */
export function banSuggestion(box: SuggestionBox, id: string, bySkeleton = true): Suggestion | undefined {
  const s = removeSuggestion(box, id);
  if (!s) return undefined;
  const key = bySkeleton ? skeletonKey(s.text) : textKey(s.text);
  box.bannedTexts = [...box.bannedTexts.filter((k) => k !== key), key].slice(-BANS_MAX);
  box.bannedViewers = [...box.bannedViewers.filter((v) => v !== s.viewer), s.viewer].slice(-BANS_MAX);
  return s;
}

/** Counts each vote once per viewer per visible suggestion; answers how many counted. */
export function applyVotes(box: SuggestionBox, votes: Vote[]): number {
  let counted = 0;
  for (const v of votes) {
    const s = box.items.find((x) => x.id === v.id && x.state === 'visible');
    if (!s || s.voters.includes(v.viewer)) continue;
    if (s.voters.length < VOTERS_KEPT_MAX) s.voters.push(v.viewer);
    s.votes++;
    counted++;
  }
  box.votesCounted += counted;
  return counted;
}

const byRank = (a: Suggestion, b: Suggestion) => b.votes - a.votes || a.seq - b.seq;

/** Visible suggestions, most votes first, ties to the oldest. */
export function rankedSuggestions(box: SuggestionBox): Suggestion[] {
  return box.items.filter((s) => s.state === 'visible').sort(byRank);
}

/** Takes the top visible suggestion out of the box (it becomes an episode's theme), if there is one. */
export function takeTopSuggestion(box: SuggestionBox): Suggestion | undefined {
  const top = rankedSuggestions(box)[0];
  if (!top) return undefined;
  removeSuggestion(box, top.id);
  box.taken++;
  return top;
}

export function suggestionView(s: Suggestion): SuggestionView {
  return { id: s.id, text: s.text, votes: s.votes, at: s.at };
}
