// The offline director: a whole screenplay from templates, no model. Deterministic from the request (same
// show, story, theme, seed → same screenplay). It keeps the rules by construction: it plans the written length
// first, lists at most two characters per shot so their descriptions always fit a prompt, and cuts any line
// to the words its room allows (rules.ts is the judge; test/screenplay.test.ts runs it over many seeds).
import { hashOf } from '../../media/hashOf';
import { NARRATOR, SCREENPLAY_LIMITS, type Screenplay, type SfxKind, type ShowCharacter } from '../../../shared/show';
import { BEATS, BEATS_BY_SCENES, CAMERAS, DAY_LIGHTS, EMPTY_SHOT, NIGHT_LIGHTS, OPENING_CAMERAS, PREVIOUSLY, THINGS, type Beat } from './beats';
import type { ScreenplayRequest } from './request';
import { maxLineWords } from './rules';

type Rng = () => number;

/** mulberry32 over the first word of a digest: small, fast, and the same on every worker. */
function rngOf(...parts: (string | number)[]): Rng {
  let a = hashOf(...parts).readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const between = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

/** Picks that do not repeat an entry of a list until the list is used up: fewer twice-told lines and actions. */
function dealer(rng: Rng): <T>(xs: readonly T[]) => T {
  const used = new Map<readonly unknown[], Set<number>>();
  return <T>(xs: readonly T[]): T => {
    let seen = used.get(xs);
    if (!seen || seen.size >= xs.length) used.set(xs, (seen = new Set()));
    const free = xs.map((_, i) => i).filter((i) => !seen.has(i));
    const i = pick(rng, free);
    seen.add(i);
    return xs[i];
  };
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
const bare = (s: string) => oneLine(s).replace(/[\s.,;:!?]+$/, '');
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The first `n` words, marked as cut when words were dropped. */
function firstWords(text: string, n: number): string {
  const words = oneLine(text).split(' ');
  return words.length <= n ? words.join(' ') : `${bare(words.slice(0, n).join(' '))}…`;
}

/** At most `max` characters, cut at a word; empty when not even one word fits. */
function clip(text: string, max: number): string {
  const s = oneLine(text);
  if (s.length <= max) return s;
  const cut = s.slice(0, max + 1).replace(/\s+\S*$/, '');
  return cut.length <= max ? bare(cut) : '';
}

/**
 * A short name for the place, for narration: the setting's first clause up to its first preposition, at most
 * six words ("A rain-soaked harbour town at night, …" → "a rain-soaked harbour town").
 */
function placeOf(setting: string): string {
  const words = oneLine(setting).split(/[,.;:—(]/)[0].trim().split(' ');
  const cut = words.findIndex((w, i) => i >= 2 && /^(on|in|at|above|below|by|near|with|under|over|beside|of|where|that|which|between|behind|from)$/i.test(w));
  const first = bare(words.slice(0, Math.min(6, cut > 0 ? cut : words.length)).join(' '));
  return /^(A|An|The) /.test(first) ? first.charAt(0).toLowerCase() + first.slice(1) : first;
}

/** The written length, then how it splits into scenes and shots, within the rules' bounds. */
function planLengths(rng: Rng, lengthSec: { min: number; max: number }): number[][] {
  const L = SCREENPLAY_LIMITS;
  const feasible = { min: L.scenes.min * L.shotsPerScene.min * L.shotSec.min, max: L.scenes.max * L.shotsPerScene.max * L.shotSec.max };
  const lo = Math.max(lengthSec.min, L.episodeSec.min, feasible.min);
  const hi = Math.min(lengthSec.max, L.episodeSec.max, feasible.max);
  // A range that cannot be met (min above max) gets the nearest length the rules allow.
  const a = Math.ceil(lo);
  const b = Math.floor(hi);
  const total = lo > hi ? Math.min(lo, L.episodeSec.max) : a <= b ? between(rng, a, b) : lo;

  // About ten seconds a scene, so scenes have room for a few shots and lines each.
  const sceneChoices = [2, 3, 4, 5].filter((n) => n * L.shotsPerScene.min * L.shotSec.min <= total && total <= n * L.shotsPerScene.max * L.shotSec.max);
  const aim = Math.floor(total / 10) + between(rng, 0, 1);
  const scenes = Math.min(sceneChoices.at(-1)!, Math.max(sceneChoices[0], aim));
  const kLo = Math.max(scenes * L.shotsPerScene.min, Math.ceil(total / L.shotSec.max));
  const kHi = Math.min(scenes * L.shotsPerScene.max, Math.floor(total / L.shotSec.min));
  const shots = Math.min(kHi, Math.max(kLo, Math.round(total / 3 + (rng() - 0.5) * 2)));

  const perScene = new Array<number>(scenes).fill(L.shotsPerScene.min);
  for (let extra = shots - scenes * L.shotsPerScene.min; extra > 0; extra--) {
    const open = perScene.flatMap((n, s) => (n < L.shotsPerScene.max ? [s] : []));
    perScene[pick(rng, open)]++;
  }
  const seconds = new Array<number>(shots).fill(L.shotSec.min);
  let left = total - shots * L.shotSec.min;
  while (left >= 1 - 1e-9) {
    const open = seconds.flatMap((x, i) => (x + 1 <= L.shotSec.max ? [i] : []));
    seconds[pick(rng, open)] += 1;
    left -= 1;
  }
  if (left > 1e-9) {
    const open = seconds.flatMap((x, i) => (x + left <= L.shotSec.max ? [i] : []));
    const i = pick(rng, open);
    seconds[i] = Math.round((seconds[i] + left) * 1000) / 1000;
  }
  let next = 0;
  return perScene.map((n) => seconds.slice(next, (next += n)));
}

const SOUNDS: { kind: Exclude<SfxKind, 'other'>; words: RegExp; texts: string[] }[] = [
  { kind: 'rain', words: /\b(rain\w*|drizzl\w*|\w*storm\w*|monsoon|wet)\b/i, texts: ['steady rain falling on the ground', 'rain pattering on a window', 'heavy rain on a roof'] },
  { kind: 'thunder', words: /\b(thunder\w*|\w*storm\w*|lightning)\b/i, texts: ['distant thunder rolling', 'a sharp crack of thunder'] },
  { kind: 'wind', words: /\b(wind\w*|breez\w*|gust\w*|cliff\w*|moor\w*|mountain\w*|desert\w*|\w*storm\w*|rooftop\w*)\b/i, texts: ['wind gusting outside', 'a soft breeze whistling'] },
  { kind: 'water', words: /\b(seas?|ocean\w*|harbou?r\w*|river\w*|lake\w*|beach\w*|coast\w*|port|boats?|ships?|docks?|water\w*|fountain\w*|canal\w*|pool|waves?)\b/i, texts: ['water lapping gently', 'waves washing against stone'] },
  { kind: 'crowd', words: /\b(crowd\w*|market\w*|city|cities|streets?|cafes?|café\w*|bars?|stations?|festival\w*|party|school\w*|stadium\w*|square|busy|restaurant\w*)\b/i, texts: ['the murmur of a crowd nearby', 'people chatting in the background'] },
  { kind: 'footsteps', words: /\b(corridor\w*|hall\w*|stair\w*|streets?|paths?|forest\w*|alley\w*|floors?|roads?|office\w*|museum\w*|library|librar\w*)\b/i, texts: ['footsteps approaching on a hard floor', 'slow footsteps walking away'] },
  { kind: 'door', words: /\b(doors?|house\w*|home\w*|shops?|office\w*|apartment\w*|flat|rooms?|kitchen\w*|cabin\w*|inn|hotel\w*|librar\w*|cafes?|café\w*|bakery|studio\w*)\b/i, texts: ['a door creaks open and shuts', 'a door closing softly'] },
];

/** The kinds of sound the setting's words call for; footsteps when it names none. */
export function soundsFor(setting: string): Exclude<SfxKind, 'other'>[] {
  const kinds = SOUNDS.filter((s) => s.words.test(setting)).map((s) => s.kind);
  return kinds.length ? kinds : ['footsteps'];
}

/** Up to `max` characters: the prompt's required subject and action first, then the setting and style shortened to fit. */
function shotPrompt(subject: string, setting: string, camera: string, light: string, style: string): string {
  const fixed = `${subject}, ${camera}, ${light}`;
  const room = SCREENPLAY_LIMITS.prompt - fixed.length - 4;
  const styleText = bare(clip(style, Math.max(0, Math.min(oneLine(style).length, Math.floor(room * 0.35)))));
  const settingText = bare(clip(setting, Math.max(0, room - styleText.length)));
  return [subject, settingText, camera, light, styleText].filter(Boolean).join(', ');
}

/** One light for the whole episode, so its shots match; at night, a night light. */
function lightsFor(setting: string): readonly string[] {
  if (/\b(night\w*|moon\w*|dark\w*|neon|midnight|dusk)\b/i.test(setting)) return NIGHT_LIGHTS;
  if (/\b(morning\w*|day\w*|sun\w*|noon|afternoon)\b/i.test(setting)) return DAY_LIGHTS;
  return [...DAY_LIGHTS, ...NIGHT_LIGHTS];
}

export function writeOfflineScreenplay(req: ScreenplayRequest): Screenplay {
  const { show, storySoFar } = req;
  const last = storySoFar.at(-1);
  const theme = req.theme && bare(req.theme) ? bare(req.theme) : undefined;
  const rng = rngOf(JSON.stringify(show), theme ?? '', JSON.stringify(last ?? null), req.episode, req.seed, req.lengthSec.min, req.lengthSec.max);

  const deal = dealer(rng);
  const lengths = planLengths(rng, req.lengthSec);
  const beats: Beat[] = BEATS_BY_SCENES[lengths.length];
  const leadIndex = between(rng, 0, show.characters.length - 1);
  const lead = show.characters[leadIndex];
  const others = show.characters.filter((_, i) => i !== leadIndex);
  const partnerStart = others.length ? between(rng, 0, others.length - 1) : 0;
  const partnerOf = (s: number): ShowCharacter | undefined => (others.length ? others[(partnerStart + s) % others.length] : undefined);
  const thing = theme ?? pick(rng, THINGS);
  const place = placeOf(show.setting);
  const light = pick(rng, lightsFor(show.setting));
  const sounds = soundsFor(`${show.setting} ${theme ?? ''}`);
  let soundTurn = between(rng, 0, sounds.length - 1);

  const scenes: Screenplay['scenes'] = [];
  const lines: Screenplay['lines'] = [];
  const cues: Screenplay['cues'] = [];
  const spoken = new Map<string, number>();
  let themeSaid = false;
  let shotNumber = 0;

  lengths.forEach((seconds, s) => {
    const beat = BEATS[beats[s]];
    const partner = partnerOf(s);
    const cast = partner ? [lead, partner] : [lead];
    const pattern: ShowCharacter[][] = partner ? [[lead], [partner], [lead, partner]] : [[lead], [lead], []];
    const turn = between(rng, 0, pattern.length - 1);
    const lastScene = s === lengths.length - 1;
    const castOf = (j: number): ShowCharacter[] => {
      if (j === 0) return s === 0 ? [] : cast;
      if (lastScene && j === seconds.length - 1) return [];
      return pattern[(turn + j - 1) % pattern.length];
    };

    const first = shotNumber + 1;
    const shots = seconds.map((sec, j) => {
      const inShot = castOf(j);
      const action = inShot.length === 0 ? deal(EMPTY_SHOT) : deal(inShot.length === 1 ? beat.solo : beat.pair);
      const who = inShot.map((c) => bare(c.description)).join(' and ');
      // The theme is seen once, in the first shot of the discovery.
      const seen = theme && beats[s] === 'discover' && j === 0 ? `, ${clip(theme, 150)}` : '';
      const subject = inShot.length ? `${who} ${action}${seen}` : `${bare(clip(show.setting, 300))}, ${action}${seen}`;
      const camera = j === 0 ? deal(OPENING_CAMERAS) : deal(CAMERAS);
      return { prompt: shotPrompt(subject, inShot.length ? show.setting : '', camera, light, show.style), camera, characters: inShot.map((c) => c.name), seconds: sec };
    });
    scenes.push({ mood: pick(rng, beat.moods), shots });
    shotNumber += shots.length;

    // Lines start in distinct shots spread over the scene; the last scene ends on the narrator's closing shot.
    const count = Math.min(shots.length, between(rng, 2, 3));
    const slots = Array.from({ length: count }, (_, i) => Math.floor((i * shots.length) / count));
    if (lastScene) slots[count - 1] = shots.length - 1;
    let lastSpeaker = '';
    for (const j of slots) {
      const inShot = castOf(j);
      // Of two in a shot, the one who has said less speaks: every episode of a show with two or more has a dialogue.
      const said = (c: ShowCharacter) => spoken.get(c.name) ?? 0;
      const speaker = inShot.length === 0 ? undefined
        : inShot.reduce((a, b) => (said(b) < said(a) || (said(b) === said(a) && a.name === lastSpeaker) ? b : a));
      const role = !speaker ? 'narrator' : speaker === lead ? (partner ? 'lead' : 'alone') : 'partner';
      // With a theme, the discovery says it out loud once.
      const pool = theme && !themeSaid && beats[s] === 'discover' ? beat.lines[role].filter((t) => /\{thing\}/i.test(t)) : [];
      let template = pool.length ? deal(pool) : deal(beat.lines[role]);
      if (role === 'narrator' && s === 0 && j === 0 && last) template = pick(rng, PREVIOUSLY);
      // One pass, so a placeholder-like text inside a summary or theme stays as written.
      const values: Record<string, string> = { A: lead.name, B: partner?.name ?? '', thing, Thing: capital(thing), place, previous: bare(last?.summary ?? '') };
      const text = template.replace(/\{(A|B|thing|Thing|place|previous)\}/g, (_, key: string) => values[key]);
      const roomSec = seconds.slice(j).reduce((a, x) => a + x, 0);
      lines.push({ speaker: speaker?.name ?? NARRATOR, text: clip(firstWords(text, maxLineWords(roomSec)), SCREENPLAY_LIMITS.line), shot: first + j });
      themeSaid ||= /\{thing\}/i.test(template);
      lastSpeaker = speaker?.name ?? NARRATOR;
      if (speaker) spoken.set(speaker.name, said(speaker) + 1);
    }

    const j = between(rng, 0, shots.length - 1);
    const kind = sounds[soundTurn++ % sounds.length];
    const sound = SOUNDS.find((x) => x.kind === kind)!;
    cues.push({ text: pick(rng, sound.texts), kind: sound.kind, shot: first + j, offsetSec: Math.floor(rng() * (seconds[j] - 0.5) * 10) / 10 });
  });

  const partner = partnerOf(0);
  const castPhrase = partner ? `${lead.name} and ${partner.name}` : lead.name;
  const middle = beats.slice(1, -1).flatMap((b) => (BEATS[b].summary.length ? [pick(rng, BEATS[b].summary)] : []));
  const ending = pick(rng, BEATS.resolve.summary);
  const event = theme ? capital(thing) : `${capital(thing)} turns up in ${place}`;
  const continuing = last ? `Continuing "${bare(last.title)}": ` : '';
  const summary = clip(`${continuing}${castPhrase}: ${[event, ...middle].join(', ')}, and ${ending}.`, 300);
  const title = clip(theme ? capital(firstWords(theme, 8)) : `${lead.name} and ${thing.replace(/^(a|an) /, 'the ')}`, 120);
  return { title, summary, scenes, lines, cues };
}
