// The directed timeline (src/shared/timeline.ts): voices set the shots' lengths, a line is never cut, and
// the music is made in windows MusicGen can make.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planEpisode, musicSegmentSec, LINE_TAIL_SEC, MUSIC_WINDOW_SEC, MUSIC_CROSSFADE_SEC } from '../src/shared/timeline';
import type { Screenplay } from '../src/shared/show';
import { BROADCAST } from '../src/shared/types';

const shot = (seconds: number) => ({ prompt: 'a white llama in a green hoodie at a desk', camera: 'static', characters: ['Lorenzo'], seconds });
const sp = (scenes: number[][], lines: Screenplay['lines'] = [], cues: Screenplay['cues'] = []): Screenplay => ({
  title: 't', summary: 's', scenes: scenes.map((shots, i) => ({ mood: `mood ${i}`, shots: shots.map(shot) })), lines, cues,
});

test('shots keep their written length in whole frames when no line needs more', () => {
  const plan = planEpisode(sp([[3, 2.5], [4, 2]]), [], BROADCAST.fps);
  assert.deepEqual(plan.shots.map((s) => s.seconds), [3, 2.5, 4, 2]);
  assert.deepEqual(plan.shots.map((s) => s.start), [0, 3, 5.5, 9.5]);
  assert.equal(plan.totalSec, 11.5);
  for (const s of plan.shots) assert.ok(Number.isInteger(Math.round(s.seconds * BROADCAST.fps * 1000) / 1000), 'whole frames');
});

test('a line longer than its shot stretches that shot, others give the time back; lines never overlap and are never cut', () => {
  const lines = [
    { speaker: 'Lorenzo', text: 'one', shot: 1 },
    { speaker: 'NARRATOR', text: 'two', shot: 1 },
    { speaker: 'Lorenzo', text: 'three', shot: 3 },
  ];
  const plan = planEpisode(sp([[2, 3], [3, 3]], lines), [2.2, 3.1, 1.0], BROADCAST.fps);
  const [a, b, c] = plan.lines;
  assert.ok(b.start >= a.end, 'in order, no overlap');
  const first = plan.shots[0];
  assert.ok(first.seconds > 2, 'stretched past its written 2 s');
  assert.ok(b.end + LINE_TAIL_SEC <= first.start + first.seconds + 1e-9, 'the line ends inside its shot');
  assert.ok(Math.abs(first.seconds * BROADCAST.fps - Math.round(first.seconds * BROADCAST.fps)) < 1e-6, 'whole frames');
  assert.ok(c.start >= plan.shots[2].start && c.end + LINE_TAIL_SEC <= plan.shots[2].start + plan.shots[2].seconds + 1e-9, 'a short line fits its shot');
  // What the long lines added is taken back from shots with room (not below 2 s, nor below their own lines).
  // Here the 4.25 s the first shot's lines add is more than the 3 s of room: every other shot gives all of it.
  assert.deepEqual(plan.shots.slice(1).map((s) => s.seconds), [2, 2, 2]);
  assert.equal(plan.totalSec, plan.shots[0].seconds + 6);

  // With enough room the episode keeps its written length (to a frame per shot).
  const roomy = planEpisode(sp([[2, 4, 4], [4, 4]], [lines[0]]), [3], BROADCAST.fps);
  assert.ok(roomy.shots[0].seconds > 3.6, 'the line\'s shot is stretched');
  assert.ok(Math.abs(roomy.totalSec - 18) <= 5 / BROADCAST.fps, `${roomy.totalSec} s, written 18 s`);
  for (const s of roomy.shots) assert.ok(s.seconds >= 2 - 1e-9);
  assert.ok(Math.abs(a.end - a.start - 2.2) < 1e-3 && Math.abs(b.end - b.start - 3.1) < 1e-3, 'each line lasts its voice');
});

test('cues sit in their shot at their offset; music is made in windows of at most 30 s with crossfades', () => {
  const plan = planEpisode(sp([[4, 4, 4, 4, 4, 4, 4, 4, 4, 4], [3, 3]], [], [
    { text: 'rain', kind: 'rain', shot: 2, offsetSec: 1.5 },
    { text: 'door', kind: 'door', shot: 12, offsetSec: 10 },
  ]), [], BROADCAST.fps);
  assert.equal(plan.cues[0].at, 4 + 1.5);
  assert.ok(plan.cues[1].at < plan.totalSec && plan.cues[1].at >= plan.shots[11].start, 'an offset past its shot is held inside it');
  assert.ok(plan.cues[1].at + plan.cues[1].seconds <= plan.totalSec + 1e-9);
  const scene0 = plan.music.filter((m) => m.scene === 0);
  assert.equal(scene0.length, 2, 'a 40-s scene is two music windows');
  for (let i = 0; i < plan.music.length; i++) assert.ok(musicSegmentSec(plan, i) <= MUSIC_WINDOW_SEC);
  assert.equal(musicSegmentSec(plan, 0), plan.music[0].end - plan.music[0].start + MUSIC_CROSSFADE_SEC, 'overlaps the next by the crossfade');
  assert.equal(plan.music.at(-1)!.end, plan.totalSec);
});

test('when no shot has room, the voices make the episode longer rather than cut a line', () => {
  const lines = [{ speaker: 'Lorenzo', text: 'a long line', shot: 1 }, { speaker: 'Lorenzo', text: 'another', shot: 2 }];
  const plan = planEpisode(sp([[2, 2]], lines), [5, 5], BROADCAST.fps);
  assert.ok(plan.totalSec > 10, `${plan.totalSec}`);
  for (const l of plan.lines) assert.ok(Math.abs(l.end - l.start - 5) < 1e-3);
});
