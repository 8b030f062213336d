// The failure patterns and config checks of the Gradio backend, on the texts @gradio/client and Gradio
// servers actually produce (as measured in shared/notes/gradio.md), without a server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyAppError, retryDelayMs } from '../src/activities/gradio/failures';
import { parseGradioSpec, resolveParams } from '../src/activities/gradio/spec';

describe('Gradio failure classification', () => {
  const cases: [string, string, boolean][] = [
    ['This application is currently busy. Please try again. ', 'GradioBusy', true],
    ['You have exceeded your GPU quota (60s requested vs. 12s left). Try again in 0:05:12', 'GradioQuota', true],
    ['429 Too Many Requests', 'GradioQuota', true],
    ['Connection errored out. ', 'GradioConnection', true],
    ['fetch failed', 'GradioConnection', true],
    ['Could not resolve app config', 'GradioConnection', true],
    ['An error occurred', 'GradioAppCrash', true],
    ['"An error occurred"', 'GradioAppCrash', true],
    ['An Unexpected Error Occurred!', 'GradioAppCrash', true],
    ['Could not connect: legacy version of Gradio (WebSockets)', 'GradioLegacyApp', false],
    ['Invalid input: prompt too long', 'GradioBadInput', false],
    ['The model refuses to draw that', 'GradioAppError', false],
  ];
  for (const [text, type, retryable] of cases) {
    test(`"${text.trim()}" → ${type}, ${retryable ? 'retryable' : 'not retryable'}`, () => {
      const f = classifyAppError(new Error(text), 'video via Gradio app x /run');
      assert.equal(f.type, type);
      assert.equal(f.nonRetryable, !retryable);
      assert.ok(f.message.startsWith('video via Gradio app x /run: '), f.message);
    });
  }

  test('the wait an app asks for becomes the next retry delay', () => {
    assert.equal(retryDelayMs('Try again in 0:05:12'), 312_000);
    assert.equal(retryDelayMs('rate limited, retry after 30 seconds'), 30_000);
    assert.equal(retryDelayMs('please try again in 2 min'), 120_000);
    assert.equal(retryDelayMs('no hint here'), undefined);
    const f = classifyAppError(new Error('You have exceeded your GPU quota. Try again in 0:00:07'), 'w');
    assert.equal(f.nextRetryDelay, 7_000);
  });
});

describe('Gradio spec validation', () => {
  test('a typo in an option names the field and lists the allowed ones', () => {
    assert.throws(() => parseGradioSpec('video', { kind: 'gradio', app: 'owner/space', endpiont: '/run' }),
      /backends\.video: unknown option\(s\) "endpiont"; allowed: kind, app, endpoint, params/);
  });
  test('a bad app or endpoint says what shape is expected', () => {
    assert.throws(() => parseGradioSpec('music', { kind: 'gradio', app: 'not a space' }), /backends\.music\.app: app must be a Space id like "owner\/name"/);
    assert.throws(() => parseGradioSpec('music', { kind: 'gradio', app: 'a/b', endpoint: 'run' }), /endpoint must look like "\/run"/);
  });
  test('a params reference our call cannot provide is named, with the ones it can', () => {
    assert.throws(() => parseGradioSpec('interpolate', { kind: 'gradio', app: 'a/b', params: { video: '$video', text: '$prompt' } }),
      /params\.text refers to "\$prompt", but a interpolate call provides only "\$video", "\$fps"/);
  });
  test('defaults follow the Spaces; "$name" takes our value, "$$" a literal dollar', () => {
    const call = parseGradioSpec('video', { kind: 'gradio', app: 'hysts/zeroscope-v2' });
    assert.equal(call.endpoint, '/run');
    assert.equal(call.deadlineMs, 900_000);
    assert.deepEqual(resolveParams({ prompt: '$prompt', seed: '$seed', tag: '$$x', n: 24 }, { prompt: 'p', seed: 3 }), { prompt: 'p', seed: 3, tag: '$x', n: 24 });
  });
});
