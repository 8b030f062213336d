// A show and its screenplays: the shapes a directed episode is written in. Pure (zod only): the CLI, the
// workers and the workflows import it. docs/show.schema.json is generated from showSchema
// (`node --import tsx scripts/show-schema.ts`; test/show.test.ts holds the two equal).
import { z } from 'zod';
import { fnv1a } from './fnv1a';

export const SHOW_LIMITS = {
  title: 120,
  premise: 2000,
  setting: 1000,
  style: 500,
  characters: 6,
  name: 40,
  description: { min: 10, max: 300 },
  voice: 60,
} as const;

/** Who speaks a line that no character speaks. */
export const NARRATOR = 'NARRATOR';

const text = (what: string, max: number, min = 1) => z.string({ error: `${what} must be a string` })
  .trim()
  .min(min, min === 1 ? `${what} is empty` : `${what} is shorter than ${min} characters`)
  .max(max, { error: (iss) => `${what} is ${String(iss.input ?? '').length} characters long; keep it to ${max} or fewer` })
  // Control characters other than newline and tab hide what a text says (see shared/validation.ts).
  .refine((s) => !/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/.test(s), `${what} contains a control character; use printable text only`);

export const characterSchema = z.strictObject({
  name: text('the name', SHOW_LIMITS.name)
    .refine((s) => /^[\p{L}\p{N}][\p{L}\p{N} .'-]*$/u.test(s), 'the name must be letters, digits, spaces, . \' or -, starting with a letter or digit')
    .refine((s) => s.toUpperCase() !== NARRATOR, `"${NARRATOR}" is the narrator's name; give the character another`),
  /** The fixed visual description: every shot the character is in repeats it word for word. */
  description: text('the description', SHOW_LIMITS.description.max, SHOW_LIMITS.description.min),
  /** A voice name the voice backend knows (e.g. an espeak-ng voice such as "en"); left out: a distinct one. */
  voice: z.string({ error: 'the voice must be a string' }).trim().min(1, 'the voice is empty: leave it out to get a distinct voice')
    .max(SHOW_LIMITS.voice, `the voice is longer than ${SHOW_LIMITS.voice} characters`)
    .regex(/^[\w.+-]+$/, 'the voice must be a voice name such as "en", "en-us" or "en+f3" (letters, digits, . _ + -)').optional(),
});

export const showSchema = z.strictObject({
  title: text('the title', SHOW_LIMITS.title),
  premise: text('the premise', SHOW_LIMITS.premise),
  setting: text('the setting', SHOW_LIMITS.setting),
  style: text('the style', SHOW_LIMITS.style),
  characters: z.array(characterSchema, { error: 'characters must be a list of {name, description, voice?}' })
    .min(1, 'characters is empty: a show needs at least one character')
    .max(SHOW_LIMITS.characters, `a show has at most ${SHOW_LIMITS.characters} characters`)
    .refine((cs) => new Set(cs.map((c) => c.name.toLowerCase())).size === cs.length, 'two characters have the same name'),
});

export type Show = z.infer<typeof showSchema>;
export type ShowCharacter = z.infer<typeof characterSchema>;

/** Reads a show from JSON text (or a parsed value): the show, or one line naming the field and what to fix. */
export function parseShow(input: unknown, source = 'the show'): { show: Show } | { problem: string } {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      return { problem: `${source} is not valid JSON: ${(err as Error).message}` };
    }
  }
  const r = showSchema.safeParse(value);
  if (r.success) return { show: r.data };
  return { problem: `${source}: ${issueLine(r.error.issues[0])}` };
}

/** One zod issue as "field: what is wrong" (characters[1].voice: …). */
export function issueLine(issue: z.core.$ZodIssue): string {
  const where = issue.path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (a show has title, premise, setting, style, characters[{name, description, voice?}])`;
  }
  return `${where}: ${issue.message}`;
}

// --- The screenplay ---

/** The kinds of sound effect the offline synthesiser makes ("other": a soft whoosh offline; a model makes what the cue says). */
export const SFX_KINDS = ['rain', 'wind', 'crowd', 'footsteps', 'door', 'thunder', 'water', 'other'] as const;
export type SfxKind = (typeof SFX_KINDS)[number];

export const SCREENPLAY_LIMITS = {
  scenes: { min: 2, max: 5 },
  shotsPerScene: { min: 2, max: 6 },
  shotSec: { min: 2, max: 4 },
  /** What the whole episode may last, after voices have stretched shots. */
  episodeSec: { min: 20, max: 90 },
  prompt: 900,
  line: 240,
  /** A line longer than this many words cannot be said within its shots. */
  lineWords: 30,
  cueSec: 6,
} as const;

/**
 * What the director writes. Shots are numbered 1… across the whole episode (`shot` in lines and cues).
 * Every field is required (OpenAI structured outputs need it); an empty list is fine.
 */
export const screenplaySchema = z.strictObject({
  title: z.string().trim().min(1).max(120),
  /** One line: what happens, for "Previously:" and the next episode's writer. */
  summary: z.string().trim().min(1).max(300),
  scenes: z.array(z.strictObject({
    /** The music's mood for this scene: genre, tempo, feeling. */
    mood: z.string().trim().min(1).max(200),
    shots: z.array(z.strictObject({
      /** Self-contained visual prompt; includes word for word the description of every character in it. */
      prompt: z.string().trim().min(20).max(SCREENPLAY_LIMITS.prompt),
      camera: z.string().trim().min(1).max(120),
      /** Names of the show's characters in the shot. */
      characters: z.array(z.string()),
      seconds: z.number(),
    })),
  })),
  lines: z.array(z.strictObject({
    /** A character's name, or NARRATOR. */
    speaker: z.string().trim().min(1),
    text: z.string().trim().min(1).max(SCREENPLAY_LIMITS.line),
    /** The shot (1…) the line starts in. */
    shot: z.number().int(),
  })),
  cues: z.array(z.strictObject({
    /** What is heard, for a sound model ("heavy rain on a tin roof"). */
    text: z.string().trim().min(1).max(200),
    kind: z.enum(SFX_KINDS),
    shot: z.number().int(),
    /** Seconds into that shot. */
    offsetSec: z.number(),
  })),
});

export type Screenplay = z.infer<typeof screenplaySchema>;

/** A directed episode's written length, unless the channel or `episode make --length` says otherwise. */
export const DEFAULT_DIRECTED_SEC = { min: 30, max: 45 } as const;

/** A channel's memory of its show: one line per written episode, in episode order (the last STORY_KEPT). */
export interface StoryEntry { episode: number; title: string; summary: string }
export const STORY_KEPT = 12;

/** Every text of a show, by field, as moderation checks them (each like a theme). */
export function showTexts(show: Show): { field: string; text: string }[] {
  return [
    { field: 'title', text: show.title },
    { field: 'premise', text: show.premise },
    { field: 'setting', text: show.setting },
    { field: 'style', text: show.style },
    ...show.characters.flatMap((c, i) => [
      { field: `characters[${i}].name`, text: c.name },
      { field: `characters[${i}].description`, text: c.description },
    ]),
  ];
}

/**
 * A character's voice seed: the same for every line and episode of the show (a voice model that varies
 * with the seed keeps the voice), from the character's name; the narrator's from "NARRATOR".
 */
export function voiceSeed(speaker: string): number {
  return parseInt(fnv1a(speaker.trim().toLowerCase()), 16) % 2147483647;
}

/** The show's index of a line's speaker (case-insensitive); -1 for the narrator or a name not in the show. */
export function characterIndex(show: Show, speaker: string): number {
  const s = speaker.trim().toLowerCase();
  return show.characters.findIndex((c) => c.name.toLowerCase() === s);
}
