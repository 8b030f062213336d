import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { startFakeOpenAI, type FakeOpenAI } from './helpers/openaiServer';
import { NARRATOR, parseShow, screenplaySchema, SFX_KINDS, type Screenplay, type Show, type StoryEntry } from '../src/shared/show';
import { screenplayProblems } from '../src/activities/backends/screenplay/rules';
import { soundsFor, writeOfflineScreenplay } from '../src/activities/backends/screenplay/offline';
import { writeOpenAIScreenplay } from '../src/activities/backends/screenplay/openai';
import { DEFAULT_DIRECTED_SEC, type ScreenplayRequest } from '../src/activities/backends/screenplay/request';

function show(value: unknown): Show {
  const r = parseShow(value);
  if ('problem' in r) throw new Error(r.problem);
  return r.show;
}

const harbour = show({
  title: 'Harbour Lights',
  premise: 'A repairwoman and her robot fix what the harbour town breaks, and find more than they bargained for.',
  setting: 'A rain-soaked harbour town at night, fishing boats, neon signs reflected in puddles.',
  style: 'cinematic, 35mm film, teal and orange',
  characters: [
    { name: 'Mara', description: 'a tall woman in a yellow raincoat with short silver hair.' },
    { name: 'Ode', description: 'a small round robot with one blue eye and brass arms', voice: 'en+m3' },
  ],
});

const lighthouse = show({
  title: 'The Keeper',
  premise: 'An old lighthouse keeper lives alone and talks to the sea.',
  setting: 'A lonely lighthouse on a windy cliff above a grey sea',
  style: 'watercolour, soft pastel colours',
  characters: [{ name: 'Wren', description: 'an old man with a white beard, a navy wool sweater and a red knitted hat' }],
});

// Six characters at the longest descriptions, a setting and style at their limits: the prompt budget's worst case.
const crowded = show({
  title: 'Station Six',
  premise: 'Six strangers wait for a train that never comes.',
  setting: `A vast empty railway station hall with cracked tiles and a stopped clock, ${'pigeons under the iron roof, dust in slanted light, '.repeat(17)}`.slice(0, 1000),
  style: `${'anamorphic widescreen, muted greens, film grain, '.repeat(12)}`.slice(0, 500),
  characters: ['Ana', 'Bo', 'Cy', 'Di', 'Ed', 'Flo'].map((name, i) => ({
    name,
    description: `${`person number ${i + 1} wearing a long ${['red', 'blue', 'green', 'grey', 'white', 'black'][i]} coat, `.repeat(10)}`.slice(0, 300).trim(),
  })),
});

const story: StoryEntry[] = [
  { episode: 1, title: 'The Letter', summary: 'Mara finds a letter under the shop door and Ode refuses to open it.' },
  { episode: 2, title: 'The Sealed Envelope', summary: 'Ode finally opens the envelope and a brass key falls into the puddle.' },
];

const request = (over: Partial<ScreenplayRequest> = {}): ScreenplayRequest => ({
  show: harbour, storySoFar: [], seed: 1, lengthSec: { ...DEFAULT_DIRECTED_SEC }, episode: 1, ...over,
});

/** A screenplay that keeps every rule for the harbour show: 3 scenes of 4 shots of 3 s (36 s). */
function goodScreenplay(): Screenplay {
  const [mara, ode] = harbour.characters;
  const shot = (cast: typeof mara[], action: string) => ({
    prompt: `${cast.length ? cast.map((c) => c.description).join(' and ') : 'empty wet quay'} ${action}, a rain-soaked harbour town at night, neon reflections, cinematic`,
    camera: 'slow dolly in',
    characters: cast.map((c) => c.name),
    seconds: 3,
  });
  return {
    title: 'The Brass Key',
    summary: 'Mara and Ode follow the brass key to a locked boathouse.',
    scenes: [
      { mood: 'slow synth, mysterious', shots: [shot([], 'rain falling'), shot([mara], 'picks up a key'), shot([ode], 'looks up'), shot([mara, ode], 'stand together')] },
      { mood: 'tense strings, medium tempo', shots: [shot([mara, ode], 'walk along the quay'), shot([ode], 'points'), shot([mara], 'frowns'), shot([], 'a boathouse door')] },
      { mood: 'warm piano, calm', shots: [shot([mara], 'turns the key'), shot([ode], 'beeps happily'), shot([mara, ode], 'laugh'), shot([], 'boats rocking')] },
    ],
    lines: [
      { speaker: NARRATOR, text: 'Night falls on the harbour.', shot: 1 },
      { speaker: 'Mara', text: 'This key is warm.', shot: 2 },
      { speaker: 'Ode', text: 'Keys are not warm.', shot: 3 },
      { speaker: 'Mara', text: 'Then what opens a warm lock?', shot: 9 },
    ],
    cues: [
      { text: 'steady rain on a tin roof', kind: 'rain', shot: 1, offsetSec: 0.5 },
      { text: 'water lapping at the quay', kind: 'water', shot: 12, offsetSec: 2.5 },
    ],
  };
}

const RANGE = { min: 30, max: 45 };

function brokenBy(change: (sp: Screenplay) => void): Screenplay {
  const sp = structuredClone(goodScreenplay());
  change(sp);
  return sp;
}

function assertProblem(problems: string[], pattern: RegExp) {
  assert.ok(problems.some((p) => pattern.test(p)), `expected a problem matching ${pattern}, got:\n${problems.join('\n')}`);
}

describe('the director\'s rules', () => {
  it('find nothing wrong with a screenplay that keeps them', () => {
    assert.deepEqual(screenplayProblems(goodScreenplay(), harbour, RANGE), []);
    assert.equal(screenplaySchema.safeParse(goodScreenplay()).success, true);
  });

  it('want 2 to 5 scenes', () => {
    assertProblem(screenplayProblems(brokenBy((sp) => { sp.scenes.splice(1); }), harbour, { min: 10, max: 90 }), /^the screenplay has 1 scenes; write 2 to 5\.$/);
    const six = brokenBy((sp) => { sp.scenes.push(...sp.scenes.map((s) => structuredClone(s))); });
    assertProblem(screenplayProblems(six, harbour, RANGE), /^the screenplay has 6 scenes/);
  });

  it('want 2 to 6 shots in a scene, naming the scene', () => {
    const seven = brokenBy((sp) => { sp.scenes[1].shots.push(...sp.scenes[1].shots.slice(0, 3)); });
    assertProblem(screenplayProblems(seven, harbour, { min: 20, max: 90 }), /^scene 2: has 7 shots; a scene has 2 to 6\.$/);
    const one = brokenBy((sp) => { sp.scenes[2].shots.splice(1); });
    assertProblem(screenplayProblems(one, harbour, { min: 20, max: 90 }), /^scene 3: has 1 shots/);
  });

  it('want shots of 2 to 4 seconds, naming the shot in its scene and overall', () => {
    const problems = screenplayProblems(brokenBy((sp) => { sp.scenes[1].shots[2].seconds = 5; sp.scenes[0].shots[0].seconds = 1.5; }), harbour, RANGE);
    assertProblem(problems, /^scene 2 shot 3 \(shot 7 overall\): lasts 5 s; a shot lasts 2 to 4 seconds\.$/);
    assertProblem(problems, /^scene 1 shot 1 \(shot 1 overall\): lasts 1\.5 s/);
  });

  it('want a shot\'s characters to be the show\'s, exactly as named', () => {
    const problems = screenplayProblems(brokenBy((sp) => { sp.scenes[0].shots[1].characters = ['Bob']; sp.scenes[0].shots[2].characters = ['ode']; }), harbour, RANGE);
    assertProblem(problems, /^scene 1 shot 2 \(shot 2 overall\): "Bob" is not a character of the show \(the show's characters: "Mara", "Ode"\)\.$/);
    assertProblem(problems, /^scene 1 shot 3 \(shot 3 overall\): "ode" is not a character of the show; write it exactly as "Ode"\.$/);
  });

  it('want every prompt to carry the description of every character in it, word for word', () => {
    const problems = screenplayProblems(brokenBy((sp) => { sp.scenes[0].shots[2].prompt = 'a small robot with a blue eye and brass arms looks up, harbour at night'; }), harbour, RANGE);
    assertProblem(problems, /^scene 1 shot 3 \(shot 3 overall\): the prompt does not contain Ode's description word for word \("a small round robot with one blue eye and brass arms"\)\.$/);
    // Case, spacing and the description's closing full stop do not matter; the words do.
    const loose = brokenBy((sp) => {
      sp.scenes[0].shots[1].prompt = 'A TALL WOMAN   in a yellow\nraincoat with short silver hair, picks up a key on a wet quay';
    });
    assert.deepEqual(screenplayProblems(loose, harbour, RANGE), []);
  });

  it('want lines spoken by the show\'s characters or the narrator', () => {
    const problems = screenplayProblems(brokenBy((sp) => { sp.lines[1].speaker = 'Bob'; sp.lines[2].speaker = 'Narrator'; }), harbour, RANGE);
    assertProblem(problems, /^line 2 \(Bob\): the speaker "Bob" is neither a character of the show nor NARRATOR/);
    assertProblem(problems, /^line 3 \(Narrator\): the speaker "Narrator" is neither/);
    assert.equal(problems.length, 2);
  });

  it('want the shots that lines and cues name to exist, numbered from 1 over the episode', () => {
    const problems = screenplayProblems(brokenBy((sp) => { sp.lines[0].shot = 13; sp.lines[1].shot = 0; sp.cues[0].shot = 99; }), harbour, RANGE);
    assertProblem(problems, /^line 1 \(NARRATOR\): names shot 13, but the episode has shots 1 to 12\.$/);
    assertProblem(problems, /^line 2 \(Mara\): names shot 0/);
    assertProblem(problems, /^cue 1 \(rain\): names shot 99/);
  });

  it('want a cue to start within its shot', () => {
    const problems = screenplayProblems(brokenBy((sp) => { sp.cues[0].offsetSec = 3; sp.cues[1].offsetSec = -1; }), harbour, RANGE);
    assertProblem(problems, /^cue 1 \(rain\): starts 3 s into shot 1, which lasts 3 s/);
    assertProblem(problems, /^cue 2 \(water\): starts -1 s into shot 12/);
    assert.deepEqual(screenplayProblems(brokenBy((sp) => { sp.cues[0].offsetSec = 2.9; }), harbour, RANGE), []);
  });

  it('want a line of at most 30 words', () => {
    const long = Array.from({ length: 31 }, (_, i) => `w${i}`).join(' ');
    const problems = screenplayProblems(brokenBy((sp) => { sp.lines[0].text = long; }), harbour, RANGE);
    assertProblem(problems, /^line 1 \(NARRATOR\): has 31 words; a line has at most 30/);
  });

  it('want a line to fit between the start of its shot and the end of its scene, with slack', () => {
    const twenty = Array.from({ length: 20 }, () => 'word').join(' '); // 8 s at 2.5 words/s
    // Shot 4 is the last of scene 1: 3 s of room + 1.5 s slack is too little.
    assertProblem(screenplayProblems(brokenBy((sp) => { sp.lines[0] = { speaker: NARRATOR, text: twenty, shot: 4 }; }), harbour, RANGE),
      /^line 1 \(NARRATOR\): takes about 8 s to say \(20 words at 2\.5 words\/s\), but shot 4 to the end of its scene lasts 3 s/);
    // From shot 3 the scene has 6 s left, + 1.5 s slack: still short of 8 s. From shot 2 it has 9 s: it fits.
    assertProblem(screenplayProblems(brokenBy((sp) => { sp.lines[0] = { speaker: NARRATOR, text: twenty, shot: 3 }; }), harbour, RANGE), /shot 3 to the end of its scene lasts 6 s/);
    assert.deepEqual(screenplayProblems(brokenBy((sp) => { sp.lines[0] = { speaker: NARRATOR, text: twenty, shot: 2 }; }), harbour, RANGE), []);
  });

  it('want the written seconds within the requested length', () => {
    assertProblem(screenplayProblems(goodScreenplay(), harbour, { min: 40, max: 45 }), /^the shots add up to 36 s; this episode must add up to 40 to 45 s\.$/);
    assertProblem(screenplayProblems(goodScreenplay(), harbour, { min: 20, max: 30 }), /^the shots add up to 36 s; this episode must add up to 20 to 30 s\.$/);
  });

  it('want the written seconds within what any episode may last (20 to 90 s)', () => {
    const short = brokenBy((sp) => {
      sp.scenes.splice(2);
      for (const scene of sp.scenes) for (const shot of scene.shots) shot.seconds = 2;
      sp.cues.splice(1);
      sp.lines.splice(3);
    });
    const problems = screenplayProblems(short, harbour, { min: 0, max: 200 });
    assert.deepEqual(problems, ['the shots add up to 16 s; an episode lasts 20 to 90 s.']);
  });
});

describe('the offline director', () => {
  const shows = { harbour, lighthouse, crowded };
  const ranges = [DEFAULT_DIRECTED_SEC, { min: 20, max: 30 }, { min: 60, max: 90 }, { min: 33.5, max: 33.8 }];

  it('writes screenplays that keep every rule and the schema, over many seeds, shows and lengths', () => {
    let written = 0;
    for (const [name, s] of Object.entries(shows)) {
      for (let seed = 0; seed < 60; seed++) {
        const lengthSec = ranges[seed % ranges.length];
        const req = request({ show: s, seed, lengthSec, episode: seed + 1, storySoFar: seed % 2 ? story : [], theme: seed % 3 ? undefined : 'a storm hits the harbour' });
        const sp = writeOfflineScreenplay(req);
        assert.deepEqual(screenplayProblems(sp, s, lengthSec), [], `${name}, seed ${seed}`);
        const parsed = screenplaySchema.safeParse(sp);
        assert.ok(parsed.success, `${name}, seed ${seed}: ${parsed.error?.issues[0].message}`);
        assert.deepEqual(parsed.data, sp, 'the schema changes nothing (already trimmed)');
        written++;
      }
    }
    assert.equal(written, 180);
  });

  it('is deterministic: the same request gives the same screenplay, another seed another', () => {
    const req = request({ storySoFar: story, theme: 'a stranger arrives by boat', seed: 42 });
    assert.deepEqual(writeOfflineScreenplay(req), writeOfflineScreenplay(structuredClone(req)));
    const distinct = new Set(Array.from({ length: 20 }, (_, seed) => JSON.stringify(writeOfflineScreenplay({ ...req, seed }))));
    assert.ok(distinct.size >= 15, `only ${distinct.size} distinct screenplays from 20 seeds`);
  });

  it('continues the story from the last episode', () => {
    for (let seed = 0; seed < 10; seed++) {
      const sp = writeOfflineScreenplay(request({ storySoFar: story, seed }));
      const opening = sp.lines[0];
      assert.equal(opening.speaker, NARRATOR);
      assert.equal(opening.shot, 1);
      assert.match(opening.text, /^(Previously|Last time): Ode finally opens the envelope/);
      assert.match(sp.summary, /^Continuing "The Sealed Envelope": /);
    }
    const fresh = writeOfflineScreenplay(request({ seed: 3 }));
    assert.doesNotMatch(fresh.lines.map((l) => l.text).join(' '), /Previously|Last time/);
    assert.doesNotMatch(fresh.summary, /Continuing/);
  });

  it('writes the theme into the title, the summary, a line and a shot', () => {
    const theme = 'a storm hits the harbour';
    for (let seed = 0; seed < 30; seed++) {
      const sp = writeOfflineScreenplay(request({ theme, seed, storySoFar: seed % 2 ? story : [], show: seed % 3 ? harbour : lighthouse }));
      assert.match(sp.title, /^A storm hits the harbour$/);
      assert.match(sp.summary, /A storm hits the harbour/);
      assert.ok(sp.scenes.some((s) => s.shots.some((x) => x.prompt.includes(theme))), `seed ${seed}: no shot shows the theme`);
      assert.ok(sp.lines.some((l) => l.text.toLowerCase().includes(theme)), `seed ${seed}: no line says the theme`);
    }
  });

  it('repeats each present character\'s description word for word, with the setting and style, in every prompt', () => {
    for (let seed = 0; seed < 20; seed++) {
      const sp = writeOfflineScreenplay(request({ seed }));
      for (const shot of sp.scenes.flatMap((s) => s.shots)) {
        for (const name of shot.characters) {
          const c = harbour.characters.find((x) => x.name === name)!;
          assert.ok(shot.prompt.includes(c.description.replace(/\.$/, '')), `seed ${seed}: "${shot.prompt}" lacks ${name}'s description`);
        }
        assert.ok(shot.prompt.includes('A rain-soaked harbour town at night, fishing boats, neon signs reflected in puddles'), shot.prompt);
        assert.ok(shot.prompt.endsWith('cinematic, 35mm film, teal and orange'), shot.prompt);
        assert.ok(shot.characters.length <= 2);
      }
    }
    // At their longest, setting and style are cut to fit a prompt; descriptions never are.
    const sp = writeOfflineScreenplay(request({ show: crowded, seed: 5 }));
    for (const shot of sp.scenes.flatMap((s) => s.shots)) {
      assert.ok(shot.prompt.length <= 900);
      for (const name of shot.characters) assert.ok(shot.prompt.includes(crowded.characters.find((x) => x.name === name)!.description.replace(/[\s.,]+$/, '')));
    }
  });

  it('writes dialogue between the characters and narration, moods and camera moves', () => {
    for (let seed = 0; seed < 50; seed++) {
      const sp = writeOfflineScreenplay(request({ seed }));
      const speakers = new Set(sp.lines.map((l) => l.speaker));
      assert.ok(speakers.has('Mara') && speakers.has('Ode') && speakers.has(NARRATOR), `seed ${seed}: speakers ${[...speakers]}`);
      assert.ok(sp.scenes.every((s) => s.mood.length > 0));
      assert.ok(new Set(sp.scenes.flatMap((s) => s.shots.map((x) => x.camera))).size >= 3);
      assert.ok(sp.cues.length >= sp.scenes.length);
    }
  });

  it('writes for a one-character show: the character and the narrator speak', () => {
    for (let seed = 0; seed < 50; seed++) {
      const sp = writeOfflineScreenplay(request({ show: lighthouse, seed, storySoFar: seed % 2 ? story : [] }));
      const speakers = new Set(sp.lines.map((l) => l.speaker));
      assert.deepEqual([...speakers].sort(), [NARRATOR, 'Wren'].sort(), `seed ${seed}`);
      assert.ok(sp.scenes.flatMap((s) => s.shots).every((x) => x.characters.every((n) => n === 'Wren')));
    }
  });

  it('picks sound effects whose kind fits the setting\'s words', () => {
    assert.deepEqual(soundsFor(harbour.setting).sort(), ['rain', 'water']);
    assert.deepEqual(soundsFor(lighthouse.setting).sort(), ['water', 'wind']);
    assert.deepEqual(soundsFor('a thunderstorm over a busy market square').sort(), ['crowd', 'rain', 'thunder', 'wind']);
    assert.deepEqual(soundsFor('an abstract void of colour'), ['footsteps']);
    for (let seed = 0; seed < 20; seed++) {
      for (const cue of writeOfflineScreenplay(request({ seed })).cues) {
        assert.ok(['rain', 'water'].includes(cue.kind), `seed ${seed}: ${cue.kind}`);
        assert.ok(SFX_KINDS.includes(cue.kind));
      }
    }
  });
});

describe('the model director against a local OpenAI-shaped server', () => {
  const settings = (baseURL: string) => ({ baseURL, apiKey: 'test-key', model: 'test-model' });
  const signal = new AbortController().signal;
  type Body = { model: string; seed: number; messages: { role: string; content: string }[]; response_format: { type: string; json_schema: { name: string; strict: boolean; schema: { properties: Record<string, unknown>; additionalProperties: boolean } } } };
  const bodies = (llm: FakeOpenAI) => llm.requests as unknown as Body[];

  async function withServer<T>(replies: Parameters<typeof startFakeOpenAI>[0], run: (llm: FakeOpenAI) => Promise<T>): Promise<T> {
    const llm = await startFakeOpenAI(replies);
    try {
      return await run(llm);
    } finally {
      await llm.close();
    }
  }

  it('accepts a valid screenplay from one structured-output request', async () => {
    await withServer([{ content: JSON.stringify(goodScreenplay()) }], async (llm) => {
      const req = request({ storySoFar: story, theme: 'a stranger arrives by boat', seed: 9, episode: 3 });
      const r = await writeOpenAIScreenplay(settings(llm.baseURL), req, signal);
      assert.equal(r.repaired, false);
      assert.deepEqual(r.screenplay, goodScreenplay());
      assert.equal(llm.requests.length, 1);
      const body = bodies(llm)[0];
      assert.equal(body.model, 'test-model');
      assert.equal(body.seed, 9);
      assert.equal(body.response_format.type, 'json_schema');
      assert.equal(body.response_format.json_schema.strict, true);
      assert.equal(body.response_format.json_schema.schema.additionalProperties, false);
      assert.deepEqual(Object.keys(body.response_format.json_schema.schema.properties).sort(), ['cues', 'lines', 'scenes', 'summary', 'title']);
      const system = body.messages[0].content;
      assert.equal(body.messages[0].role, 'system');
      assert.match(system, /word for word/);
      assert.match(system, /- Mara: a tall woman in a yellow raincoat with short silver hair\./);
      assert.match(system, /Setting: A rain-soaked harbour town at night/);
      assert.match(system, /This episode's theme \(.*\): a stranger arrives by boat/);
      assert.match(system, /- Episode 1: The Letter — Mara finds a letter/);
      assert.match(system, /- Episode 2: The Sealed Envelope — Ode finally opens/);
      assert.match(system, /add up to 30 to 45/);
      assert.match(body.messages[1].content, /episode 3/);
    });
  });

  it('sends an answer that fails the schema back once with its errors, and takes the repaired one', async () => {
    const broken = JSON.stringify({ ...goodScreenplay(), scenes: goodScreenplay().scenes.map(({ shots }) => ({ shots })) });
    await withServer([{ content: broken }, { content: JSON.stringify(goodScreenplay()) }], async (llm) => {
      const r = await writeOpenAIScreenplay(settings(llm.baseURL), request(), signal);
      assert.equal(r.repaired, true);
      assert.deepEqual(r.screenplay, goodScreenplay());
      assert.equal(llm.requests.length, 2);
      const second = bodies(llm)[1].messages;
      assert.deepEqual(second.at(-2), { role: 'assistant', content: broken });
      assert.equal(second.at(-1)!.role, 'user');
      assert.match(second.at(-1)!.content, /cannot be used/);
      assert.match(second.at(-1)!.content, /scenes\[0\]\.mood: /);
      assert.match(second.at(-1)!.content, /scenes\[2\]\.mood: /);
      assert.equal(bodies(llm)[1].response_format.json_schema.strict, true);
    });
  });

  it('fails non-retryably as InvalidScreenplay, naming the rule, when the second answer breaks a rule too', async () => {
    const ruleBreaking = JSON.stringify(brokenBy((sp) => { sp.scenes[0].shots[2].seconds = 9; }));
    await withServer([{ content: ruleBreaking }, { content: ruleBreaking }, { content: JSON.stringify(goodScreenplay()) }], async (llm) => {
      const err = await writeOpenAIScreenplay(settings(llm.baseURL), request(), signal).then(() => assert.fail('should fail'), (e: unknown) => e);
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'InvalidScreenplay');
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, /scene 1 shot 3 \(shot 3 overall\): lasts 9 s; a shot lasts 2 to 4 seconds/);
      assert.match(err.message, /test-model/);
      assert.equal(llm.requests.length, 2, 'one request and one repair, no more');
      assert.match(bodies(llm)[1].messages.at(-1)!.content, /scene 1 shot 3 \(shot 3 overall\): lasts 9 s/);
    });
  });

  it('leaves a rate limit and a server error to Temporal to retry', async () => {
    await withServer([{ status: 429, headers: { 'retry-after': '2' } }], async (llm) => {
      const err = await writeOpenAIScreenplay(settings(llm.baseURL), request(), signal).then(() => assert.fail('should fail'), (e: unknown) => e);
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'RateLimited');
      assert.equal(err.nonRetryable, false);
      assert.match(err.message, /the director model .* rate-limited \(429\)/);
      assert.equal(llm.requests.length, 1);
    });
    await withServer([{ status: 503 }], async (llm) => {
      const err = await writeOpenAIScreenplay(settings(llm.baseURL), request(), signal).then(() => assert.fail('should fail'), (e: unknown) => e);
      assert.ok(err instanceof Error);
      assert.ok(!(err instanceof ApplicationFailure && err.nonRetryable), 'a 5xx is retryable');
      assert.equal(llm.requests.length, 1);
    });
  });
});
