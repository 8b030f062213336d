// The pure suggestion rules the channel workflow uses: ranking (votes, then age), the 50 cap, repeated
// texts in other spellings, one vote per viewer, bans that outlive the suggestion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SUGGESTIONS_MAX, VOTERS_KEPT_MAX, addSuggestion, applyVotes, banSuggestion, emptySuggestionBox, markVisible, rankedSuggestions,
  rejectSuggestion, skeletonKey, suggestionProblem, takeTopSuggestion, textKey,
} from '../src/shared/suggestions';

const viewer = (n: number) => `viewer-${String(n).padStart(4, '0')}`;

function boxWith(...texts: string[]) {
  const box = emptySuggestionBox();
  texts.forEach((text, i) => markVisible(box, addSuggestion(box, { text, viewer: viewer(i) }, `2026-01-01T00:00:0${i}Z`).id));
  return box;
}

test('suggestions rank by votes, ties go to the oldest, and the top one is taken out for an episode', () => {
  const box = boxWith('a lighthouse keeper', 'a jazz band of cats', 'penguins on a tram');
  assert.deepEqual(rankedSuggestions(box).map((s) => s.id), ['s1', 's2', 's3'], 'no votes: oldest first');
  assert.equal(applyVotes(box, [{ id: 's3', viewer: viewer(7) }, { id: 's2', viewer: viewer(7) }, { id: 's3', viewer: viewer(8) }]), 3);
  assert.deepEqual(rankedSuggestions(box).map((s) => [s.id, s.votes]), [['s3', 2], ['s2', 1], ['s1', 0]]);
  applyVotes(box, [{ id: 's2', viewer: viewer(9) }]);
  assert.equal(takeTopSuggestion(box)?.id, 's2', 'tie at 2 votes: s2 is older than s3');
  assert.deepEqual(rankedSuggestions(box).map((s) => s.id), ['s3', 's1']);
  assert.equal(box.taken, 1);
});

test('a viewer\'s second vote for one suggestion is not counted, and votes for hidden or unknown ones are dropped', () => {
  const box = boxWith('a lighthouse keeper');
  const hidden = addSuggestion(box, { text: 'still being checked', viewer: viewer(5) }, 'now');
  assert.equal(applyVotes(box, [
    { id: 's1', viewer: viewer(1) }, { id: 's1', viewer: viewer(1) }, { id: hidden.id, viewer: viewer(1) }, { id: 's99', viewer: viewer(1) },
  ]), 1);
  assert.equal(applyVotes(box, [{ id: 's1', viewer: viewer(1) }]), 0, 'a later batch with the same vote');
  assert.equal(box.items[0].votes, 1);
  assert.equal(box.votesCounted, 1);
  assert.deepEqual(rankedSuggestions(box).map((s) => s.id), ['s1'], 'a suggestion being checked is not shown');
});

test('repeats in another spelling, over-long, empty and banned suggestions are refused with a reason; the box holds 50', () => {
  const box = boxWith('A Lighthouse Keeper');
  assert.equal(textKey('a  lighthouse   keeper!'), textKey('Ａ ｌｉｇｈｔｈｏｕｓｅ keeper'));
  assert.match(suggestionProblem(box, { text: 'a lighthouse  KEEPER', viewer: viewer(2) })!, /already suggested: vote/);
  assert.match(suggestionProblem(box, { text: 'x'.repeat(201), viewer: viewer(2) })!, /201 characters.*200 or fewer/);
  assert.match(suggestionProblem(box, { text: '  ', viewer: viewer(2) })!, /suggestion is empty/);
  assert.match(suggestionProblem(box, { text: 'fine', viewer: 'bad id!' })!, /viewer id/);
  assert.equal(suggestionProblem(box, { text: 'Une île « étrange » — 島', viewer: viewer(2) }), undefined);

  banSuggestion(box, 's1');
  assert.equal(box.items.length, 0);
  assert.match(suggestionProblem(box, { text: 'a lighthouse keeper', viewer: viewer(3) })!, /not accepted/);
  assert.match(suggestionProblem(box, { text: 'something else', viewer: viewer(0) })!, /this viewer/);
  assert.ok(!JSON.stringify(box).includes('ighthouse'), 'a banned text is kept only as a hash');

  for (let i = 0; i < SUGGESTIONS_MAX; i++) addSuggestion(box, { text: `idea number ${i}`, viewer: viewer(100 + i) }, 'now');
  assert.match(suggestionProblem(box, { text: 'one more', viewer: viewer(999) })!, /box is full \(50 waiting\)/);
  rejectSuggestion(box, 's2');
  assert.equal(box.rejected, 1);
  assert.equal(suggestionProblem(box, { text: 'one more', viewer: viewer(999) }), undefined);
});

test('a suggestion remembers at most 500 voters, so the state stays bounded; later votes still count', () => {
  const box = boxWith('a lighthouse keeper');
  const votes = Array.from({ length: VOTERS_KEPT_MAX + 100 }, (_, i) => ({ id: 's1', viewer: viewer(i) }));
  assert.equal(applyVotes(box, votes), VOTERS_KEPT_MAX + 100);
  assert.equal(box.items[0].voters.length, VOTERS_KEPT_MAX);
  assert.equal(applyVotes(box, votes.slice(0, 10)), 0, 'remembered voters are still refused');
  assert.ok(JSON.stringify(box).length < 12_000, 'one full suggestion is about 10 kB of state');
});

test('repeats and bans go by the skeleton: look-alike letters, symbols, digits and stretched letters are the same text', () => {
  const box = boxWith('a lighthouse keeper');
  for (const text of ['а lіghthоusе kеeeper', 'ᴀ ʟɪɢʜᴛʜᴏᴜꜱᴇ ᴋᴇᴇᴘᴇʀ', 'a l1ghth0use keeper', 'a lighthouse\u200b keeeeper']) {
    assert.match(suggestionProblem(box, { text, viewer: viewer(2) }) ?? 'accepted', /already suggested/, JSON.stringify(text));
  }
  assert.equal(suggestionProblem(box, { text: 'a lighthouse keeper 2', viewer: viewer(2) }), undefined, 'another text');

  banSuggestion(box, 's1');
  assert.deepEqual(box.bannedTexts, [skeletonKey('a lighthouse keeper')], 'a new ban keeps the skeleton key only');
  assert.match(suggestionProblem(box, { text: 'A LIGHTHOUSE KEEEPER', viewer: viewer(3) })!, /not accepted/);
  assert.match(suggestionProblem(box, { text: '🇦 🇱🇮🇬🇭🇹🇭🇴🇺🇸🇪 🇰🇪🇪🇵🇪🇷', viewer: viewer(3) })!, /not accepted/);
});

test('a ban made before the skeleton key (its first key) still refuses the text; replayed histories keep making such bans', () => {
  const box = boxWith('penguins on a tram', 'a jazz band of cats');
  box.bannedTexts = [textKey('a robot gardener')]; // as stored by a channel before the skeleton key
  assert.match(suggestionProblem(box, { text: 'A Robot  Gardener', viewer: viewer(4) })!, /not accepted/);
  banSuggestion(box, 's1', false);
  assert.deepEqual(box.bannedTexts, [textKey('a robot gardener'), textKey('penguins on a tram')]);
  assert.match(suggestionProblem(box, { text: 'penguins on a tram', viewer: viewer(5) })!, /not accepted/);
});
