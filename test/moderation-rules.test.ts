// The moderate activity's two layers, called directly: the local rules (evasions caught, ordinary words
// not), the WEBTV_BLOCKLIST file, and the endpoint over the wire with its fail-closed/open policy.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { createModerationActivities, textHash } from '../src/activities/moderation/index';
import { loadRules, readBlocklist } from '../src/activities/moderation/rules';
import { defaultBackends } from '../src/activities/backends/registry';
import { rewriteOfflineShotPrompt, writeOfflineShotList } from '../src/activities/backends/shotlist/offline';
import { DEFAULT_THEME, SAFE_MOOD, safePrompt } from '../src/shared/theme';
import { moderationFromEnv } from '../src/config/models';
import { startFakeModeration, type FakeModeration } from './helpers/moderationServer';

const rules = loadRules();

describe('local rules', () => {
  test('catch evasions: spacing, punctuation, fullwidth, zero-width, accents, mixed case, look-alikes', () => {
    const cases: [string, string][] = [
      ['S.e x', 'sexual'],
      ['s e x on the beach', 'sexual'],
      ['ＳＥＸ', 'sexual'],
      ['s\u200be\u200dx', 'sexual'],
      ['s\u00adex\ufeff', 'sexual'],
      ['SéX', 'sexual'],
      ['s\u0435x', 'sexual'], // Cyrillic е
      ['p-o-r-n', 'sexual'],
      ['MuRdEr at dawn', 'violence'],
      ['ｍａｓｓａｃｒｅ', 'violence'],
      ['be.head.ing', 'violence'],
      ['K1ll   your.self', 'harassment'],
      ['kill yourself', 'harassment'],
      ['SUICIDE', 'self-harm'],
      ['self-harm', 'self-harm'],
      ['selfharm', 'self-harm'],
      ['n a z i s', 'hate'],
      ['Nazis', 'hate'],
    ];
    for (const [text, category] of cases) assert.ok(rules.check(text).includes(category), `${JSON.stringify(text)} → ${category}`);
  });

  test('leave ordinary words and clean themes alone', () => {
    const clean = [
      'A calm nature documentary: misty forests at dawn, foxes and deer, slow rivers, golden light.',
      'the therapist from Essex visits Middlesex and Sussex',
      'a pen is on the desk of a skilled assassin-bug researcher',
      'a bass player, a class of analysts, a grape harvest in Scunthorpe',
      'Al Gore gives a talk; a naked mole-rat digs; Moby Dick swims',
      'a cocktail party at 5 o\'clock, a rooster crows',
      'Le « café » de l\'été — naïve crème brûlée, 東京の夜, Ñandú in Zürich',
      'a llama programmer in a dim room, typing at night',
      'a lighthouse keeper on a stormy night',
      'the execution of a perfect soufflé; a shooting star over the sea',
    ];
    for (const text of clean) assert.deepEqual(rules.check(text), [], JSON.stringify(text));
  });
});

describe('our own words', () => {
  test('the safe prompts and every offline prompt of a clean theme pass the local rules', () => {
    assert.deepEqual(rules.check(safePrompt(DEFAULT_THEME)), []);
    assert.deepEqual(rules.check(SAFE_MOOD), []);
    for (let seed = 0; seed < 40; seed++) {
      for (const p of writeOfflineShotList('a lighthouse keeper and her cat', 4, seed).prompts) assert.deepEqual(rules.check(p), [], p);
      assert.deepEqual(rules.check(rewriteOfflineShotPrompt('a lighthouse keeper and her cat', seed % 4, seed)), []);
    }
  });
});

describe('WEBTV_BLOCKLIST', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-blocklist-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('extends the rules with terms and /regex/i lines, with an optional category', () => {
    const file = path.join(dir, 'ok.txt');
    fs.writeFileSync(file, '# house rules\n\nclown car\nviolence: /\\bpie fight(s)?\\b/i\n/^spoiler/\n');
    const r = loadRules(file);
    assert.deepEqual(r.check('a Clown-Car parade'), ['blocklist']);
    assert.deepEqual(r.check('c l o w n car'), ['blocklist']);
    assert.deepEqual(r.check('ＰＩＥ fights at noon'), ['violence']);
    assert.deepEqual(r.check('Spoiler: the butler'), ['blocklist']);
    assert.deepEqual(r.check('a clown on a bicycle'), []);
    assert.deepEqual(r.check('no spoiler here'), []);
  });

  test('a bad line is refused with the file and line named', () => {
    const cases: [string, RegExp][] = [
      ['fine\n/unclosed(/i\n', /bad\.txt line 2: not a valid regular expression/],
      ['fine\n\n/abc/g\n', /bad\.txt line 3: only the i flag is allowed/],
      ['/abc\n', /bad\.txt line 1: a pattern must look like/],
      ['# c\nx\n', /bad\.txt line 2: a term needs at least two letters/],
      ['/.*/\n', /bad\.txt line 1: the pattern matches empty text/],
    ];
    for (const [content, message] of cases) {
      const file = path.join(dir, 'bad.txt');
      fs.writeFileSync(file, content);
      assert.throws(() => readBlocklist(file), message);
    }
    assert.throws(() => loadRules(path.join(dir, 'missing.txt')), /WEBTV_BLOCKLIST: cannot read .*missing\.txt \(ENOENT\)/);
  });
});

describe('moderate activity', () => {
  let server: FakeModeration;
  before(async () => {
    server = await startFakeModeration({ cruelty: ['violence', 'violence/graphic'], taunt: ['harassment/threatening'] });
  });
  after(() => server.close());
  const withEndpoint = () => createModerationActivities({
    dataDir: os.tmpdir(), backends: defaultBackends(), moderation: { apiKey: 'sk-test', baseURL: server.baseURL },
  });

  test('without a key only the local rules apply, and no request is made', async () => {
    const { moderate } = createModerationActivities({ dataDir: os.tmpdir(), backends: defaultBackends() });
    const before = server.requests.length;
    assert.deepEqual(await moderate({ text: 'a scene of cruelty', source: 'viewer' }), {
      allowed: true, categories: [], textHash: textHash('a scene of cruelty'), checkedBy: ['local'],
    });
    const refused = await moderate({ text: 'M u r d e r', source: 'operator' });
    assert.equal(refused.allowed, false);
    assert.deepEqual(refused.categories, ['violence']);
    assert.equal(server.requests.length, before);
  });

  test('the endpoint flags what the local rules miss, folded to top-level categories', async () => {
    const { moderate } = withEndpoint();
    const v = await moderate({ text: 'a scene of cruelty and a taunt', source: 'operator' });
    assert.equal(v.allowed, false);
    assert.deepEqual(v.categories.sort(), ['harassment', 'violence']);
    assert.deepEqual(v.checkedBy, ['local', 'endpoint']);
    const last = server.requests.at(-1)!;
    assert.equal(last.model, 'omni-moderation-latest');
    assert.equal(last.authorization, 'Bearer sk-test');
  });

  test('a clean theme with quotes and non-ASCII passes both layers, sent verbatim', async () => {
    const { moderate } = withEndpoint();
    const theme = 'Le « café » d\'Amélie: "un été à Zürich" — 東京の夜, ñandú';
    const v = await moderate({ text: theme, source: 'operator' });
    assert.deepEqual(v, { allowed: true, categories: [], textHash: textHash(theme), checkedBy: ['local', 'endpoint'] });
    assert.equal(server.requests.at(-1)!.input, theme);
    assert.deepEqual(server.requests.at(-1)!.inputs, [theme, 'le cafe d amelie un ete a zurich 東京の夜 nandu'], 'and folded, in the same request');
    await moderate({ text: 'A kitten, on a skateboard!', source: 'operator' });
    assert.deepEqual(server.requests.at(-1)!.inputs, ['A kitten, on a skateboard!'], 'only case and punctuation to fold: sent once');
  });

  test('the endpoint also reads the folded text, so look-alikes that fool it as typed are caught', async () => {
    const { moderate } = withEndpoint();
    const text = 'a scene of crսeł7y'; // Armenian u, l with stroke, 7 for t: neither the rules nor the raw text say "cruelty"
    const v = await moderate({ text, source: 'viewer' });
    assert.equal(v.allowed, false);
    assert.deepEqual(v.categories, ['violence']);
    assert.deepEqual(server.requests.at(-1)!.inputs, [text, 'a scene of cruelty']);
  });

  for (const mode of ['error500', 'down'] as const) {
    test(`endpoint ${mode}: viewer text fails closed (retryable ModerationUnavailable), operator theme and prompt pass with a warning`, async () => {
      const { moderate } = withEndpoint();
      server.setMode(mode);
      try {
        await assert.rejects(moderate({ text: 'a kitten on a skateboard', source: 'viewer' }), (err: unknown) => {
          assert.ok(err instanceof ApplicationFailure);
          assert.equal(err.type, 'ModerationUnavailable');
          assert.equal(err.nonRetryable, false);
          assert.doesNotMatch(err.message, /kitten/);
          return true;
        });
        for (const source of ['operator', 'prompt'] as const) {
          const v = await moderate({ text: 'a kitten on a skateboard', source });
          assert.equal(v.allowed, true);
          assert.match(v.warning ?? '', /moderation endpoint unavailable .*passed on local rules only/);
          assert.deepEqual(v.checkedBy, ['local']);
        }
        // The local rules still refuse while the endpoint is down, whatever the source.
        assert.deepEqual((await moderate({ text: 'ｇｅｎｏｃｉｄｅ', source: 'viewer' })).categories, ['violence']);
      } finally {
        server.setMode('up');
      }
    });
  }

  test('bad input is refused non-retryably with what was wrong', async () => {
    const { moderate } = withEndpoint();
    await assert.rejects(moderate({ text: 'x'.repeat(5000), source: 'viewer' }), /text is longer than 4000 characters/);
    await assert.rejects(moderate({ text: 'hi', source: 'robot' as never }), (err: unknown) => err instanceof ApplicationFailure && err.nonRetryable && /source/.test(err.message));
  });
});

describe('settings from the environment', () => {
  test('a dedicated key and base URL win over the writer\'s; WEBTV_MODERATION=local turns the endpoint off', () => {
    assert.deepEqual(moderationFromEnv({ OPENAI_API_KEY: 'a', OPENAI_BASE_URL: 'http://ollama/v1', WEBTV_MODERATION_API_KEY: 'b', WEBTV_MODERATION_BASE_URL: 'http://mod/v1' }),
      { apiKey: 'b', baseURL: 'http://mod/v1', model: undefined, blocklistPath: undefined });
    assert.equal(moderationFromEnv({ OPENAI_API_KEY: 'a' }).apiKey, 'a');
    assert.equal(moderationFromEnv({ OPENAI_API_KEY: 'a', WEBTV_MODERATION: 'local', WEBTV_BLOCKLIST: '/x' }).apiKey, undefined);
    assert.throws(() => moderationFromEnv({ WEBTV_MODERATION: 'off' }), /WEBTV_MODERATION must be "local"/);
  });
});
