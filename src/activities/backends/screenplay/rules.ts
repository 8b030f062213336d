// The director's rules: what a screenplay must be for the episode to be made from it. The schema checks
// shapes; these check what a schema cannot (counts, lengths, names, descriptions, timing). Every problem is
// one sentence naming where it is, because the list is sent back to a model as is.
import { NARRATOR, SCREENPLAY_LIMITS, type Screenplay, type Show } from '../../../shared/show';

/** How fast the voices speak, for estimating how long a line takes before it is voiced. */
export const SPEECH_WORDS_PER_SEC = 2.5;
/**
 * How much longer than its room a line may take to say. A line's room is the written seconds from the start
 * of its shot to the end of its scene; voicing stretches shots to fit their lines (shared/timeline.ts), so a
 * little overrun costs a slightly longer shot, while a line much longer than its scene drags the picture.
 */
export const LINE_SLACK_SEC = 1.5;

const EPSILON = 1e-6;

/** Lower-cased, whitespace collapsed: how prompts and descriptions are compared. */
export function normaliseText(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * A description as a prompt must contain it: normalised, without trailing punctuation (a description ending
 * in "." is still repeated word for word by a prompt that goes on after it with ",").
 */
export function fixedDescription(description: string): string {
  return normaliseText(description).replace(/[\s.,;:!?]+$/, '');
}

export function promptHasDescription(prompt: string, description: string): boolean {
  return normaliseText(prompt).includes(fixedDescription(description));
}

/** Words as spoken: whitespace-separated tokens with a letter or digit in them (a lone "—" is not one). */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

export function speechSec(text: string): number {
  return wordCount(text) / SPEECH_WORDS_PER_SEC;
}

/** The most words a line may have when its room (see LINE_SLACK_SEC) is `roomSec`. */
export function maxLineWords(roomSec: number): number {
  return Math.min(SCREENPLAY_LIMITS.lineWords, Math.floor((roomSec + LINE_SLACK_SEC) * SPEECH_WORDS_PER_SEC + EPSILON));
}

const fmt = (x: number) => (Number.isFinite(x) ? String(Math.round(x * 100) / 100) : String(x));
const secOf = (x: number) => (Number.isFinite(x) ? x : 0);

/** Every rule the screenplay breaks, one sentence each; empty when it can be made. */
export function screenplayProblems(sp: Screenplay, show: Show, lengthSec: { min: number; max: number }): string[] {
  const L = SCREENPLAY_LIMITS;
  const problems: string[] = [];
  const characters = new Map(show.characters.map((c) => [c.name, c]));
  const castList = show.characters.map((c) => `"${c.name}"`).join(', ');
  const nameHint = (name: string) => {
    const same = show.characters.find((c) => c.name.toLowerCase() === name.trim().toLowerCase());
    return same ? `; write it exactly as "${same.name}"` : ` (the show's characters: ${castList})`;
  };

  if (sp.scenes.length < L.scenes.min || sp.scenes.length > L.scenes.max) {
    problems.push(`the screenplay has ${sp.scenes.length} scenes; write ${L.scenes.min} to ${L.scenes.max}.`);
  }

  // Shots are numbered 1… over the episode; each knows its scene and the seconds left to its scene's end.
  const flat: { scene: number; seconds: number; roomSec: number }[] = [];
  sp.scenes.forEach((scene, s) => {
    if (scene.shots.length < L.shotsPerScene.min || scene.shots.length > L.shotsPerScene.max) {
      problems.push(`scene ${s + 1}: has ${scene.shots.length} shots; a scene has ${L.shotsPerScene.min} to ${L.shotsPerScene.max}.`);
    }
    const sceneSec = scene.shots.reduce((a, shot) => a + secOf(shot.seconds), 0);
    let before = 0;
    scene.shots.forEach((shot, j) => {
      const where = `scene ${s + 1} shot ${j + 1} (shot ${flat.length + 1} overall)`;
      if (!Number.isFinite(shot.seconds) || shot.seconds < L.shotSec.min - EPSILON || shot.seconds > L.shotSec.max + EPSILON) {
        problems.push(`${where}: lasts ${fmt(shot.seconds)} s; a shot lasts ${L.shotSec.min} to ${L.shotSec.max} seconds.`);
      }
      const seen = new Set<string>();
      for (const name of shot.characters) {
        if (seen.has(name)) problems.push(`${where}: lists "${name}" twice in its characters.`);
        seen.add(name);
        const c = characters.get(name);
        if (!c) {
          problems.push(`${where}: "${name}" is not a character of the show${nameHint(name)}.`);
        } else if (!promptHasDescription(shot.prompt, c.description)) {
          problems.push(`${where}: the prompt does not contain ${c.name}'s description word for word ("${c.description.replace(/\s+/g, ' ').trim()}").`);
        }
      }
      flat.push({ scene: s, seconds: shot.seconds, roomSec: sceneSec - before });
      before += secOf(shot.seconds);
    });
  });

  const shotExists = (n: number) => Number.isInteger(n) && n >= 1 && n <= flat.length;
  const noSuchShot = (n: number) => `names shot ${fmt(n)}, but the episode has shots 1 to ${flat.length}.`;

  sp.lines.forEach((line, i) => {
    const where = `line ${i + 1} (${line.speaker})`;
    if (line.speaker !== NARRATOR && !characters.has(line.speaker)) {
      problems.push(`${where}: the speaker "${line.speaker}" is neither a character of the show nor ${NARRATOR}${nameHint(line.speaker)}.`);
    }
    if (!shotExists(line.shot)) {
      problems.push(`${where}: ${noSuchShot(line.shot)}`);
      return;
    }
    const words = wordCount(line.text);
    if (words > L.lineWords) {
      problems.push(`${where}: has ${words} words; a line has at most ${L.lineWords}, so split it over more shots.`);
      return;
    }
    const { roomSec } = flat[line.shot - 1];
    const sec = words / SPEECH_WORDS_PER_SEC;
    if (sec > roomSec + LINE_SLACK_SEC + EPSILON) {
      problems.push(`${where}: takes about ${fmt(sec)} s to say (${words} words at ${SPEECH_WORDS_PER_SEC} words/s), but shot ${line.shot} to the end of its scene lasts ${fmt(roomSec)} s (${LINE_SLACK_SEC} s slack allowed); shorten it or start it in an earlier shot.`);
    }
  });

  sp.cues.forEach((cue, i) => {
    const where = `cue ${i + 1} (${cue.kind})`;
    if (!shotExists(cue.shot)) {
      problems.push(`${where}: ${noSuchShot(cue.shot)}`);
      return;
    }
    const { seconds } = flat[cue.shot - 1];
    if (!Number.isFinite(cue.offsetSec) || cue.offsetSec < 0 || cue.offsetSec >= secOf(seconds)) {
      problems.push(`${where}: starts ${fmt(cue.offsetSec)} s into shot ${cue.shot}, which lasts ${fmt(seconds)} s; the offset must be at least 0 and less than the shot's seconds.`);
    }
  });

  const total = flat.reduce((a, x) => a + secOf(x.seconds), 0);
  if (total < lengthSec.min - EPSILON || total > lengthSec.max + EPSILON) {
    problems.push(`the shots add up to ${fmt(total)} s; this episode must add up to ${fmt(lengthSec.min)} to ${fmt(lengthSec.max)} s.`);
  }
  if (total < L.episodeSec.min - EPSILON || total > L.episodeSec.max + EPSILON) {
    problems.push(`the shots add up to ${fmt(total)} s; an episode lasts ${L.episodeSec.min} to ${L.episodeSec.max} s.`);
  }
  return problems;
}
