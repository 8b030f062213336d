// Each fault of the Gradio fixture, through the real Temporal server: the attempts and the outcome are
// what the failure classification says (retried then succeeded, or failed at once with a clear message).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startFixture, type Fixture } from './helpers/gradio';
import { rootFailure, startGradioTemporal, type GradioTemporal } from './helpers/gradioTemporal';
import { probe } from '../src/activities/media/ffmpeg';

describe('Gradio faults through Temporal (Gradio 5.50.0 fixture)', () => {
  let fx: Fixture;
  let t: GradioTemporal;
  const video = (extra: Record<string, unknown> = {}) => ({
    capability: 'video' as const, prompt: 'a red kite',
    spec: { kind: 'gradio', app: fx.url, deadlineSec: 30, params: { prompt: '$prompt', seed: '$seed', num_frames: 8 }, ...extra },
    maximumAttempts: 4,
  });
  before(async () => {
    [fx, t] = await Promise.all([startFixture('5.50.0'), startGradioTemporal()]);
  });
  after(async () => {
    await Promise.allSettled([fx?.stop(), t?.stop()]);
  });
  beforeEach(async () => { await fx.reset(); });

  test('queue full ("busy") twice: retried, third attempt succeeds', async () => {
    await fx.fault('busy', { times: 2 });
    const r = await t.run(video());
    assert.equal(r.attempt, 3);
    assert.equal((await probe(r.outPath)).video?.width, 576);
    assert.equal((await fx.state()).calls['/run'], 1, 'the busy attempts never ran');
  });

  test('quota error: retried after the wait the app asked for, then succeeds', async () => {
    await fx.fault('quota', { endpoint: '/run' });
    const started = Date.now();
    const r = await t.run({ ...video(), initialIntervalMs: 100, maximumIntervalMs: 100 });
    assert.equal(r.attempt, 2);
    assert.ok(Date.now() - started >= 1900, `waited ${Date.now() - started} ms, the app asked for 2 s`);
  });

  test('bare "An error occurred" (hidden CUDA OOM): retried, second attempt succeeds', async () => {
    await fx.fault('exception', { endpoint: '/run' });
    const r = await t.run(video());
    assert.equal(r.attempt, 2);
  });

  test('corrupt file returned as success: caught by ffprobe, retried, second attempt succeeds', async () => {
    await fx.fault('corrupt', { endpoint: '/run' });
    const r = await t.run(video());
    assert.equal(r.attempt, 2);
    assert.ok((await probe(r.outPath)).video);
  });

  test('app-raised error about the input: not retried, the message says what the app said', async () => {
    await fx.fault('error', { endpoint: '/run', times: 5 });
    await assert.rejects(t.run(video()), (err) => {
      const f = rootFailure(err);
      assert.equal(f.type, 'GradioBadInput');
      assert.equal(f.nonRetryable, true);
      assert.match(f.message, /rejected by the safety filter/);
      return true;
    });
    assert.equal((await fx.state()).calls['/run'], 1, 'one attempt only');
  });

  test('wrong output shape: not retried, the message points at the output setting', async () => {
    await fx.fault('wrong_shape', { endpoint: '/run', times: 5 });
    await assert.rejects(t.run(video()), (err) => {
      const f = rootFailure(err);
      assert.equal(f.type, 'GradioWrongOutputShape');
      assert.match(f.message, /output 0 is null, not a file; point backends\.\*\.output/);
      return true;
    });
    assert.equal((await fx.state()).calls['/run'], 1);
  });

  test('unknown endpoint: fails fast, non-retryably, listing the endpoints the app has', async () => {
    await assert.rejects(t.run(video({ endpoint: '/generate' })), (err) => {
      const f = rootFailure(err);
      assert.equal(f.type, 'GradioSignatureMismatch');
      assert.match(f.message, /endpoint \/generate does not exist; the app has \/run, \/upscale/);
      assert.match(f.message, /spaces check/);
      return true;
    });
    assert.equal((await fx.state()).calls['/run'] ?? 0, 0);
  });

  test('a hostile file name from the app never escapes: the result is stored under our name', async () => {
    await fx.fault('traversal', { endpoint: '/run' });
    const episodeDir = fs.mkdtempSync(path.join(t.tmpDir, 'episode-'));
    const outPath = path.join(episodeDir, 'shot-00.generated.tmp.mp4');
    const r = await t.run({ ...video(), outPath });
    assert.equal(r.attempt, 1);
    assert.deepEqual(fs.readdirSync(episodeDir), ['shot-00.generated.tmp.mp4']);
    const escaped = (dir: string) => (fs.readdirSync(dir, { recursive: true }) as string[]).filter((n) => n.includes('escaped'));
    assert.deepEqual(escaped(t.tmpDir), []);
    assert.ok((await probe(outPath)).video);
  });
});
