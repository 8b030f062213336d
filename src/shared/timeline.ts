// A directed episode's timeline: where every shot, line, effect and music segment sits, from the screenplay
// and the lines' voiced lengths. Voice comes first, so shots are made at their final lengths: a shot lasts
// as long as the lines that start in it need, and a line is never cut; what that adds to the episode is
// taken back from shots with room to spare, so the episode keeps its written length where it can.
// Pure: the episode workflow computes it (deterministic), the mix and the tests read it.
import type { Screenplay, SfxKind } from './show';

export interface PlannedShot { index: number; scene: number; start: number; seconds: number; prompt: string; camera: string; characters: string[] }
export interface PlannedLine { index: number; speaker: string; text: string; shot: number; start: number; end: number }
export interface PlannedCue { index: number; text: string; kind: SfxKind; shot: number; at: number; seconds: number }
/** One music segment: a scene, or a part of one longer than MUSIC_WINDOW_SEC. Segments overlap by MUSIC_CROSSFADE_SEC. */
export interface PlannedMusic { index: number; scene: number; mood: string; start: number; end: number }
export interface EpisodePlan {
  shots: PlannedShot[];
  lines: PlannedLine[];
  cues: PlannedCue[];
  music: PlannedMusic[];
  totalSec: number;
}

/** Silence before a shot's first line, between two lines, and after a shot's last line. */
export const LINE_LEAD_SEC = 0.3;
export const LINE_GAP_SEC = 0.25;
export const LINE_TAIL_SEC = 0.4;
/** A shot that gives time back to lines elsewhere keeps at least this long (the director's shortest). */
export const MIN_SHOT_SEC = 2;
/** How long an effect plays unless the episode ends first. */
export const CUE_SEC = 2.5;
/** MusicGen's window: no music segment is longer. */
export const MUSIC_WINDOW_SEC = 30;
export const MUSIC_CROSSFADE_SEC = 1;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * `lineSec[i]`: the voiced length of screenplay line i; `fps`: the rate shots are cut at (BROADCAST.fps), so
 * every shot lasts whole frames. Shot numbers in lines and cues are 1-based and
 * checked by the director's rules (a line or cue naming a shot that does not exist goes to the last one).
 */
export function planEpisode(sp: Screenplay, lineSec: number[], fps: number): EpisodePlan {
  const frames = (sec: number) => Math.ceil(sec * fps - 1e-6);
  const flat = sp.scenes.flatMap((scene, s) => scene.shots.map((shot) => ({ ...shot, scene: s })));
  const shotOf = (n: number) => Math.min(Math.max(1, Math.trunc(n)), flat.length) - 1;
  const linesIn = flat.map(() => [] as number[]);
  sp.lines.forEach((l, i) => linesIn[shotOf(l.shot)].push(i));

  // What each shot's lines need (lead, lines with gaps, tail), and its length: written, or stretched to that.
  const need = flat.map((_, k) => (linesIn[k].length
    ? LINE_LEAD_SEC + linesIn[k].reduce((a, i) => a + Math.max(0.1, lineSec[i] ?? 0), 0) + LINE_GAP_SEC * (linesIn[k].length - 1) + LINE_TAIL_SEC
    : 0));
  const length = flat.map((shot, k) => Math.max(shot.seconds, need[k]));
  // The episode keeps its written length where it can: what the voices added is taken back from shots that
  // have room (down to MIN_SHOT_SEC, never below what their own lines need), in proportion to their room.
  const excess = length.reduce((a, x) => a + x, 0) - flat.reduce((a, x) => a + x.seconds, 0);
  const room = length.map((x, k) => (x > need[k] ? Math.max(0, x - Math.max(MIN_SHOT_SEC, need[k])) : 0));
  const roomSum = room.reduce((a, x) => a + x, 0);
  const giveBack = roomSum > 0 ? Math.min(1, excess / roomSum) : 0;

  const shots: PlannedShot[] = [];
  const lines: PlannedLine[] = new Array(sp.lines.length);
  let t = 0;
  flat.forEach((shot, k) => {
    const start = t;
    let cursor = start + LINE_LEAD_SEC;
    for (const i of linesIn[k]) {
      const sec = Math.max(0.1, lineSec[i] ?? 0);
      const l = sp.lines[i];
      lines[i] = { index: i, speaker: l.speaker, text: l.text, shot: k, start: round3(cursor), end: round3(cursor + sec) };
      cursor += sec + LINE_GAP_SEC;
    }
    const seconds = frames(length[k] - room[k] * giveBack) / fps;
    shots.push({ index: k, scene: shot.scene, start: round3(start), seconds, prompt: shot.prompt, camera: shot.camera, characters: shot.characters });
    t = start + seconds;
  });
  const totalSec = round3(t);

  const cues: PlannedCue[] = sp.cues.map((c, i) => {
    const shot = shots[shotOf(c.shot)];
    const at = round3(shot.start + Math.min(Math.max(0, c.offsetSec), Math.max(0, shot.seconds - 0.1)));
    return { index: i, text: c.text, kind: c.kind, shot: shot.index, at, seconds: round3(Math.max(0.1, Math.min(CUE_SEC, totalSec - at))) };
  });

  const music: PlannedMusic[] = [];
  sp.scenes.forEach((scene, s) => {
    const inScene = shots.filter((x) => x.scene === s);
    const start = inScene[0].start;
    const end = round3(inScene[inScene.length - 1].start + inScene[inScene.length - 1].seconds);
    const parts = Math.ceil((end - start) / (MUSIC_WINDOW_SEC - MUSIC_CROSSFADE_SEC));
    for (let p = 0; p < parts; p++) {
      const a = round3(start + ((end - start) * p) / parts);
      const b = round3(start + ((end - start) * (p + 1)) / parts);
      music.push({ index: music.length, scene: s, mood: scene.mood, start: a, end: b });
    }
  });
  return { shots, lines, cues, music, totalSec };
}

/**
 * How long music segment i is made: its span, plus the crossfade into the next one. Never more than
 * MUSIC_WINDOW_SEC.
 */
export function musicSegmentSec(plan: EpisodePlan, i: number): number {
  const m = plan.music[i];
  const fade = i < plan.music.length - 1 ? MUSIC_CROSSFADE_SEC : 0;
  return round3(Math.min(MUSIC_WINDOW_SEC, m.end - m.start + fade));
}
