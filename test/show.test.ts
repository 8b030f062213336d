// A show as operators give it: the schema and its JSON Schema, one clear line for each bad file, and
// `webtv show set|clear` (the real bin/webtv.js) against a channel on the real dev server: a bad or refused
// show changes nothing; a good one is the channel's from its next episode on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { defaultBackends } from '../src/activities/backends/registry';
import { parseShow, showSchema, type Show } from '../src/shared/show';
import { showJsonSchema } from '../src/shared/showJsonSchema';
import { loadChannelConfig } from '../src/channels/channelConfig';
import type { ChannelStatus } from '../src/shared/channel';

const example: Show = JSON.parse(fs.readFileSync('docs/show.example.json', 'utf8'));

test('docs/show.schema.json is generated from the show schema (run scripts/show-schema.ts after a change)', () => {
  assert.deepEqual(JSON.parse(fs.readFileSync('docs/show.schema.json', 'utf8')), JSON.parse(JSON.stringify(showJsonSchema())));
  assert.ok(showSchema.safeParse(example).success, 'the example show is valid');
});

test('a bad show gets one line naming the field and what to fix', () => {
  const cases: [unknown, RegExp][] = [
    [{ ...example, colour: 'blue' }, /^the show: \(top level\): unknown field "colour"/],
    [{ ...example, characters: [{ ...example.characters[0], hat: 'red' }] }, /characters\[0\]: unknown field "hat"/],
    [{ ...example, characters: [] }, /characters: .*at least one character/],
    [{ ...example, characters: [{ name: '', description: 'a white llama in a hoodie' }] }, /characters\[0\]\.name: the name is empty/],
    [{ ...example, characters: [{ name: 'Lorenzo', description: '' }] }, /characters\[0\]\.description: the description is shorter than 10 characters/],
    [{ ...example, premise: 'x'.repeat(10_000) }, /premise: the premise is 10000 characters long; keep it to 2000 or fewer/],
    [{ ...example, characters: [{ ...example.characters[0], voice: 'en us' }] }, /characters\[0\]\.voice: the voice must be a voice name/],
    [{ ...example, characters: [example.characters[0], { ...example.characters[1], name: 'LORENZO' }] }, /two characters have the same name/],
    [{ ...example, characters: [{ ...example.characters[0], name: 'Narrator' }] }, /narrator's name/],
    [{ ...example, title: 'a bell \u0007' }, /title: the title contains a control character/],
    ['{"title": ', /not valid JSON/],
  ];
  for (const [input, expected] of cases) {
    const r = parseShow(input);
    assert.ok('problem' in r, `refused: ${JSON.stringify(input).slice(0, 80)}`);
    assert.match(r.problem, expected);
    assert.doesNotMatch(r.problem, /\n/, 'one line');
  }
  // A voice is a name: whether the voice backend has it is checked where it runs (the line falls back, on record).
  assert.ok(!('problem' in parseShow({ ...example, characters: [{ ...example.characters[0], voice: 'xx-nosuchvoice' }] })));
});

let t: TestTemporal;
before(async () => { t = await startTemporal(); });
after(async () => { await t?.stop(); });

test('webtv show set/clear: a bad or refused show changes nothing; a good one is the channel\'s', async () => {
  const w = await t.startWorker({ dataDir: path.join(t.tmpDir, 'show'), backends: defaultBackends() });
  const env = { ...process.env, TEMPORAL_ADDRESS: t.server.address, WEBTV_TASK_QUEUE: w.taskQueue };
  const webtv = (...args: string[]) => execa('node', ['bin/webtv.js', ...args], { env, reject: false });
  const status = async (): Promise<ChannelStatus> => {
    const r = await webtv('channel', 'status', 'sh1', '--json');
    assert.equal(r.exitCode, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const file = (name: string, value: unknown) => {
    const p = path.join(t.tmpDir, name);
    fs.writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
    return p;
  };

  // A typo in the config's show: nothing starts.
  const typo = file('typo-config.json', { backends: {}, show: { ...example, charcters: [] } });
  assert.throws(() => loadChannelConfig(typo), /typo-config\.json: show: unknown field "charcters"/);
  const refusedStart = await webtv('channel', 'start', 'sh0', '--config', typo, '--no-broadcast');
  assert.equal(refusedStart.exitCode, 1);
  assert.match(refusedStart.stderr, /unknown field "charcters"/);

  // A refused show at the start: the channel fails before it uses or shows it, and the operator is told why.
  const refusedAtStart = { ...example, characters: [{ ...example.characters[0], description: 'a white llama holding a porn magazine' }] };
  const startRefused = await webtv('channel', 'start', 'sh2', '--show', file('refused-start.json', refusedAtStart), '--no-broadcast');
  assert.equal(startRefused.exitCode, 1);
  assert.match(startRefused.stderr, /the show was not accepted: .*characters\[0\]\.description was refused by moderation/);

  const started = await webtv('channel', 'start', 'sh1', '--theme', 'a quiet night of coding', '--show', 'docs/show.example.json', '--no-broadcast');
  assert.equal(started.exitCode, 0, started.stderr);
  // Production is not what this test is about.
  assert.equal((await webtv('channel', 'pause', 'sh1')).exitCode, 0);
  await waitFor('the initial show moderated and shown', async () => (await status()).show?.title === example.title, 30_000, 300);
  assert.deepEqual((await status()).show!.characters, ['Lorenzo', 'Pixel']);

  const unknownField = await webtv('show', 'set', 'sh1', '--file', file('bad.json', { ...example, title: 'Other', mood: 'sad' }));
  assert.equal(unknownField.exitCode, 1);
  assert.match(unknownField.stderr, /bad\.json: \(top level\): unknown field "mood"/);
  assert.equal(unknownField.stderr.trim().split('\n').length, 1, 'one line');

  const refused = { ...example, title: 'Other', characters: [{ ...example.characters[0], description: 'a white llama holding a porn magazine' }] };
  const moderated = await webtv('show', 'set', 'sh1', '--file', file('refused.json', refused));
  assert.equal(moderated.exitCode, 1);
  assert.match(moderated.stderr, /the show was not set: .*characters\[0\]\.description was refused by moderation \(sexual\)/);
  assert.equal((await status()).show?.title, example.title, 'a refused show changes nothing');

  // Straight to the workflow (as the Temporal CLI would send it): the channel validates it too.
  const handle = t.client.workflow.getHandle('channel/sh1');
  await assert.rejects(handle.executeUpdate('setShow', { args: [{ ...example, characters: [] }] }), (err: Error) => /at least one character/.test(String((err.cause as Error)?.message)));

  const other: Show = { ...example, title: 'Pixel Investigates', characters: [example.characters[1], { name: 'Ada', description: 'an old grey owl in a tweed waistcoat', voice: 'xx-nosuchvoice' }] };
  const set = await webtv('show', 'set', 'sh1', '--file', file('other.json', other));
  assert.equal(set.exitCode, 0, set.stderr);
  assert.match(set.stdout, /sh1 now directs "Pixel Investigates" from its next episode on/);
  assert.deepEqual((await status()).show, { title: 'Pixel Investigates', characters: ['Pixel', 'Ada'] });
  assert.match((await webtv('channel', 'status', 'sh1')).stdout, /^show {6}Pixel Investigates \(Pixel, Ada\)$/m);

  const cleared = await webtv('show', 'clear', 'sh1');
  assert.equal(cleared.exitCode, 0, cleared.stderr);
  assert.equal((await status()).show, null);

  // A length out of 20–90 s fails the channel at its start, naming the field (not every episode after).
  const badLength = await t.client.workflow.start('channelWorkflow', {
    taskQueue: w.taskQueue, workflowId: 'channel/sh3', args: [{ channel: 'sh3', show: example, lengthSec: { min: 5, max: 10 }, broadcast: false }],
  });
  await assert.rejects(badLength.result(), (err: Error) => /lengthSec must be \{"min": s, "max": s\} with 20/.test(String((err.cause as Error)?.message)));

  const checked = await webtv('show', 'check', '--file', 'docs/show.example.json');
  assert.equal(checked.exitCode, 0, checked.stderr);
  assert.match(checked.stdout, /a valid show, "The Llama Who Codes", with 2 characters/);
  assert.equal((await webtv('channel', 'stop', 'sh1')).exitCode, 0);
});
