// The offline director's story beats: what each kind of scene sounds like (mood), looks like (actions) and
// says (lines). Lines are short on purpose: a scene's last shot may have only 2 s of room, which is 8 words
// at the rules' speaking rate (see rules.ts), so no template line is longer than 8 words.
// Placeholders: {A} the lead, {B} the scene's partner, {thing} / {Thing} what the episode turns on, {place}.
// Who speaks next is decided by who is in the shot, so no line may depend on the one before it.

export type Beat = 'open' | 'discover' | 'complicate' | 'turn' | 'resolve';

/** The beats of an episode of n scenes, in order. Every episode discovers something and resolves it. */
export const BEATS_BY_SCENES: Record<number, Beat[]> = {
  2: ['discover', 'resolve'],
  3: ['open', 'discover', 'resolve'],
  4: ['open', 'discover', 'complicate', 'resolve'],
  5: ['open', 'discover', 'complicate', 'turn', 'resolve'],
};

export interface BeatText {
  moods: string[];
  /** What one character does (after their description), what two do together. */
  solo: string[];
  pair: string[];
  lines: { narrator: string[]; lead: string[]; partner: string[]; alone: string[] };
  /** This beat's part of the one-line summary, for the middle beats and the ending. */
  summary: string[];
}

export const BEATS: Record<Beat, BeatText> = {
  open: {
    moods: ['gentle acoustic guitar, slow, curious', 'soft piano, calm, hopeful', 'light jazz, relaxed, warm'],
    solo: ['walks in and looks around', 'pauses by the window, thoughtful', 'stretches and takes a slow breath'],
    pair: ['greet each other with a small smile', 'walk side by side, talking', 'share a quiet joke'],
    lines: {
      narrator: ['In {place}, a new day begins.', 'Morning comes to {place}.', '{A} has no idea what today brings.'],
      lead: ['Another quiet day. Or so I thought.', '{B}, you are early today.', 'Something feels different this morning.'],
      partner: ['Morning, {A}. Sleep well?', 'You look like you have news.', 'I could not stay away.'],
      alone: ['Another quiet day. Or so I thought.', 'Something feels different this morning.', 'Right. Where did I leave off?'],
    },
    summary: ['an ordinary morning starts'],
  },
  discover: {
    moods: ['pizzicato strings, playful, medium tempo', 'twinkling synth, mysterious, slow', 'music box melody, curious, slow'],
    solo: ['kneels to look at something on the ground', 'stares at something small held in both hands', 'stops and turns towards a sudden sound'],
    pair: ['lean in together to look at something small', 'exchange a surprised look', 'point at something in the distance'],
    lines: {
      narrator: ['Today: {thing}.', 'And then: {thing}.', 'Nobody saw it coming: {thing}.'],
      lead: ['Look at this. {Thing}.', '{B}, come here. You need to see this.', 'Wait. What is this?'],
      partner: ['Where did that come from?', 'That was not here yesterday.', 'Careful, {A}. Do not touch it.', 'Wait. {Thing}? Here?'],
      alone: ['Well. {Thing}. That is new.', 'Wait. What is this?', 'Nobody is going to believe this.'],
    },
    summary: [],
  },
  complicate: {
    moods: ['low cello drones, tense, slow', 'pulsing synth bass, uneasy, medium tempo', 'sparse percussion, suspenseful'],
    solo: ['glances over one shoulder, uneasy', 'paces back and forth', 'hesitates in a doorway'],
    pair: ['argue in low voices', 'stand apart with arms crossed', 'face each other, frowning'],
    lines: {
      narrator: ['But nothing was quite what it seemed.', 'Not everyone was pleased.', 'And then it got complicated.'],
      lead: ['I cannot just leave it, {B}.', 'Trust me. Just this once.', 'I need to know what it means.'],
      partner: ['We should leave it alone.', 'This is a bad idea, {A}.', 'Why do you always do this?'],
      alone: ['Think. What would anyone sensible do?', 'This is a bad idea. Obviously.', 'I cannot just leave it.'],
    },
    summary: ['trust is tested', 'an argument starts', 'things get complicated'],
  },
  turn: {
    moods: ['rising strings, urgent, fast', 'driving drums, energetic, fast', 'bright brass, bold, building'],
    solo: ['stops suddenly, eyes widening', 'smiles as an idea lands', 'breaks into a run'],
    pair: ['turn to each other at the same moment', 'hurry forward together', 'laugh in sudden relief'],
    lines: {
      narrator: ['Then, all at once, it made sense.', 'Everything changed in a heartbeat.'],
      lead: ['Wait. I think I understand now.', '{B}, it was never about us.', 'Of course. It was here all along.'],
      partner: ['Tell me what you see, {A}!', 'Come on, there is no time!', 'I see it too now.'],
      alone: ['Of course. It was here all along.', 'Wait. I understand now.', 'Oh. Oh, that is clever.'],
    },
    summary: ['a secret comes out', 'the answer arrives all at once'],
  },
  resolve: {
    moods: ['warm piano and strings, tender, slow', 'soft folk guitar, content, gentle', 'mellow lo-fi beat, calm'],
    solo: ['sits down and breathes out, calm', 'watches the light change, content', 'smiles and looks up'],
    pair: ['laugh quietly together', 'sit side by side, at ease', 'share a look of understanding'],
    lines: {
      narrator: ['And so the day ended, quietly.', 'For now, all was well.', 'To be continued.'],
      lead: ['Same time tomorrow, {B}?', 'I am glad you were here.', 'That is enough adventure for one day.'],
      partner: ['I would not have missed this, {A}.', 'Not bad for one day, {A}.', 'Next time, we ask first.'],
      alone: ['That is enough adventure for one day.', 'Well. Tomorrow, then.', 'Not bad. Not bad at all.'],
    },
    summary: ['the day ends in quiet laughter', 'a new friendship begins', 'the answer waits for another day', 'everything changes a little'],
  },
};

/** How the first scene opens when there is a story so far: {previous} is the last episode's summary. */
export const PREVIOUSLY = ['Previously: {previous}', 'Last time: {previous}'];

/** What an episode without a theme turns on. */
export const THINGS = [
  'a strange letter', 'a lost key', 'a map with one corner torn off', 'an old music box', "a stranger's umbrella",
  'a glowing stone', 'a photograph nobody remembers taking', 'a locked wooden box', 'a message written in chalk',
];

/** An empty shot of the place: what it does when nobody is in it. */
export const EMPTY_SHOT = ['quiet and empty', 'seen from a distance', 'with light shifting slowly', 'still, waiting'];

export const CAMERAS = [
  'slow dolly in', 'close-up', 'over-the-shoulder shot', 'slow pan left', 'slow pan right', 'low-angle shot',
  'tracking shot', 'medium shot, handheld', 'two-shot, static camera', 'slow push in',
];
export const OPENING_CAMERAS = ['wide establishing shot', 'slow aerial pull back', 'wide shot, static camera'];
export const DAY_LIGHTS = ['soft golden hour light', 'overcast diffuse light', 'bright morning light'];
export const NIGHT_LIGHTS = ['moody low-key lighting', 'warm lamplight', 'cold moonlight', 'neon glow'];
