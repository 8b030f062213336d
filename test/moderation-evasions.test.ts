// The local rules against people trying: evasion strings of every class the issue lists are refused, and
// innocent phrases that hold a listed term by chance (places, food, biology, professions) pass. Both lists
// are data files in test/fixtures/moderation/; add to them when a new evasion or a false alarm shows up.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { loadRules } from '../src/activities/moderation/rules';
import { CONFUSABLES } from '../src/shared/confusables';
import { displayTrickProblem, skeleton } from '../src/shared/skeleton';
import { confusablesModule, OUTPUT } from '../scripts/confusables';

const fixture = (name: string) => JSON.parse(fs.readFileSync(new URL(`./fixtures/moderation/${name}`, import.meta.url), 'utf8'));
const evasions: { class: string; text: string; category: string }[] = fixture('evasions.json');
const innocent: string[] = fixture('innocent.json');
const rules = loadRules();

describe('evasions', () => {
  test('at least 60 strings, covering every class of evasion', () => {
    assert.ok(evasions.length >= 60, `${evasions.length} evasions`);
    const classes = new Set(evasions.map((e) => e.class));
    for (const c of ['look-alike', 'symbol', 'digit', 'stretched', 'split', 'inflection', 'compound', 'regional-indicator', 'bidi', 'combining']) {
      assert.ok(classes.has(c), `no evasion of class ${c}`);
    }
  });

  test('each is refused, in its category', () => {
    const missed = evasions.filter((e) => !rules.check(e.text).includes(e.category));
    assert.deepEqual(missed.map((e) => `${e.class}: ${JSON.stringify(e.text)} → ${rules.check(e.text).join(',') || 'clean'}`), []);
  });
});

describe('innocent phrases', () => {
  test('at least 60, and every one passes (the Scunthorpe problem)', () => {
    assert.ok(innocent.length >= 60, `${innocent.length} innocent phrases`);
    const refused = innocent.filter((t) => rules.check(t).length > 0);
    assert.deepEqual(refused.map((t) => `${JSON.stringify(t)} → ${rules.check(t).join(',')}`), []);
  });

  test('ordinary words spelling a term across a space stay apart, a term\'s own spaces do not', () => {
    assert.deepEqual(rules.check('a pen is on the desk'), []);
    assert.deepEqual(rules.check('kill \n your self'), ['harassment']);
    assert.deepEqual(rules.check('go die'), ['harassment']);
  });
});

describe('skeleton', () => {
  test('the confusables table is the one the pinned package makes (run scripts/confusables.ts after a bump)', () => {
    assert.equal(fs.readFileSync(OUTPUT, 'utf8'), confusablesModule());
    assert.ok(Object.keys(CONFUSABLES).length > 500);
  });

  test('spellings that read the same fold the same', () => {
    const same = [
      ['a lighthouse keeper', 'A  LIGHTHOUSE keeeper!', 'ᴀ ʟɪɢʜᴛʜᴏᴜꜱᴇ ᴋᴇᴇᴘᴇʀ', 'а lіghthоusе kеерer', 'ａ ｌｉｇｈｔｈｏｕｓｅ ｋｅｅｐｅｒ', 'a l\u200bighthouse keeper'],
      ['penguins on a tram', 'p3ngu1ns on a tr@m', '🇵🇪🇳🇬🇺🇮🇳🇸 on a tram', 'ᴘᴇɴɢᴜɪɴꜱ ᴏɴ ᴀ ᴛʀᴀᴍ'],
    ];
    for (const [first, ...others] of same) for (const o of others) assert.equal(skeleton(o), skeleton(first), JSON.stringify(o));
    assert.notEqual(skeleton('episode 1'), skeleton('episode 11'), 'numbers stay numbers');
    assert.notEqual(skeleton('tilts'), skeleton('tits'));
  });

  test('bidi controls and piles of combining marks are named; two marks on a letter are fine (Vietnamese)', () => {
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      assert.equal(displayTrickProblem(`abc${String.fromCodePoint(cp)}def`), 'bidi-control', cp.toString(16));
    }
    assert.equal(displayTrickProblem('e\u0301\u0302\u0303'), 'combining-marks');
    assert.equal(displayTrickProblem('Tiếng Việt, ệ, 東京, עברית, العربية, ज़िंदगी, नहीं'), undefined);
    assert.deepEqual(rules.check('Tiếng Việt: phở ở Hà Nội'), []);
  });
});
