// Spaces on the Hub, against a local stand-in for the Hub at HF_ENDPOINT and the real Gradio fixture as
// the Space's app: a sleeping Space is woken and waited for through BUILDING; one still building at the
// deadline is retried; a paused, crashed or missing one fails at once and for good, so an episode
// degrades without spending its attempts; `webtv spaces check` shows each Space's stage; self-hosted
// URLs never ask the Hub.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ApplicationFailure } from '@temporalio/common';
import type { BackendContext } from '../src/activities/backends/backends';
import { gradioBackend } from '../src/activities/backends/gradio/index';
import { defaultBackends } from '../src/activities/backends/registry';
import { probe } from '../src/activities/media/ffmpeg';
import type { EpisodeInput } from '../src/shared/types';
import { episodeWorkflow } from '../src/workflows/episode';
import { runSpacesCommand, startFixture, type Fixture } from './helpers/gradio';
import { startFakeHub, type FakeHub } from './helpers/gradioHub';
import { startTemporal, type TestTemporal } from './helpers/temporal';

const TOKEN = 'hf_fake_token_for_tests';

describe('Spaces on the Hub (fake Hub at HF_ENDPOINT, Gradio 6.31.0 fixture as the app)', () => {
  let fx: Fixture;
  let hub: FakeHub;
  let dir: string;
  const saved = { endpoint: process.env.HF_ENDPOINT, token: process.env.HF_TOKEN };
  let wokeAt: number | undefined;

  before(async () => {
    fx = await startFixture('6.31.0');
    hub = await startFakeHub({
      // Asleep until its app's page is requested, then building for 2.5 s, then running.
      'webtv/sleepy': {
        host: fx.url,
        async stage() {
          if (wokeAt === undefined && (await fx.state()).page_views === 0) return 'SLEEPING';
          wokeAt ??= Date.now();
          return Date.now() - wokeAt < 2_500 ? 'BUILDING' : 'RUNNING';
        },
      },
      'webtv/running': { host: fx.url, stage: () => 'RUNNING', hardware: 'zero-a10g' },
      'webtv/building': { host: fx.url, stage: () => 'BUILDING' },
      'webtv/paused': { host: fx.url, stage: () => 'PAUSED' },
      'webtv/broken': { host: fx.url, stage: () => 'RUNTIME_ERROR', errorMessage: 'Exit code: 1. Reason: CUDA driver version is insufficient' },
    });
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_TOKEN = TOKEN;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-hub-'));
  });
  after(async () => {
    process.env.HF_ENDPOINT = saved.endpoint;
    process.env.HF_TOKEN = saved.token;
    if (saved.endpoint === undefined) delete process.env.HF_ENDPOINT;
    if (saved.token === undefined) delete process.env.HF_TOKEN;
    await Promise.allSettled([fx?.stop(), hub?.stop()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const context = (beats: Record<string, unknown>[] = []): BackendContext =>
    ({ signal: new AbortController().signal, heartbeat: (d) => { if (d) beats.push({ ...d }); }, scratchDir: dir });
  const video = (app: string, deadlineSec = 60) => (out: string, beats?: Record<string, unknown>[]) =>
    gradioBackend.video!({ kind: 'gradio', app, deadlineSec, params: { prompt: '$prompt', seed: '$seed', num_frames: 8 } }, { prompt: 'a quiet harbour', seed: 3, outPath: path.join(dir, out) }, context(beats));

  test('a sleeping Space is woken, waited for through BUILDING with its stage in the heartbeat, then called', async () => {
    const beats: Record<string, unknown>[] = [];
    await video('webtv/sleepy')('sleepy.mp4', beats);
    const stages = beats.map((b) => b.spaceStage).filter((s, i, all) => s && s !== all[i - 1]);
    assert.deepEqual(stages, ['SLEEPING', 'BUILDING'], JSON.stringify(beats));
    assert.ok(beats.some((b) => b.stage === 'waiting for the Space' && b.space === 'webtv/sleepy' && b.hardware === 't4-small'));
    assert.ok(beats.findIndex((b) => b.stage === 'connecting') > beats.map((b) => b.spaceStage).lastIndexOf('BUILDING'), 'connected only once it ran');
    const st = await fx.state();
    assert.ok(st.page_views >= 1, 'its app was asked for its page, which wakes a Space');
    assert.equal(st.calls['/run'], 1);
    assert.equal((await probe(path.join(dir, 'sleepy.mp4'))).video?.width, 576);
    const asked = hub.runtimeRequests('webtv/sleepy');
    assert.ok(asked.length >= 3, `polled the stage ${asked.length} times`);
    for (const r of hub.requests) assert.equal(r.authorization, `Bearer ${TOKEN}`, 'HF_TOKEN went to the Hub');
  });

  test('a Space still building at the deadline: retryable, saying its stage and how long we waited', async () => {
    await assert.rejects(video('webtv/building', 3)('building.mp4'), (err: ApplicationFailure) => {
      assert.equal(err.type, 'GradioSpaceStarting');
      assert.equal(err.nonRetryable, false);
      assert.match(err.message, /Space webtv\/building was still BUILDING after \d+ s, when our deadline of 3 s passed; retrying/);
      return true;
    });
  });

  test('paused, crashed or missing: fails at once, not retryable, saying what to do; the app is never called', async () => {
    const before = (await fx.state()).calls['/run'] ?? 0;
    const cases: [string, string, RegExp][] = [
      ['webtv/paused', 'GradioSpaceUnavailable', /Space webtv\/paused is paused by its owner: unpause it on its Settings page/],
      ['webtv/broken', 'GradioSpaceUnavailable', /Space webtv\/broken crashed \(RUNTIME_ERROR\): read its logs.*The Hub says: Exit code: 1\. Reason: CUDA driver version is insufficient/],
      ['webtv/missing', 'GradioSpaceNotFound', /Space webtv\/missing was not found on http:\/\/127\.0\.0\.1:\d+ \(HTTP 404\): check the Space id in backends\.\*\.app, and that HF_TOKEN may read it/],
    ];
    for (const [space, type, message] of cases) {
      await assert.rejects(video(space)(`${space.replace('/', '-')}.mp4`), (err: ApplicationFailure) => {
        assert.equal(err.type, type);
        assert.equal(err.nonRetryable, true);
        assert.match(err.message, message);
        return true;
      });
      assert.equal(hub.runtimeRequests(space).length, 1, `${space}: asked the Hub once`);
    }
    assert.equal((await fx.state()).calls['/run'] ?? 0, before);
  });

  test('webtv spaces check shows each Space\'s stage; a self-hosted URL never asks the Hub', async (t) => {
    const file = path.join(dir, 'spaces.json');
    fs.writeFileSync(file, JSON.stringify({ backends: {
      video: { kind: 'gradio', app: 'webtv/running' },
      upscale: { kind: 'gradio', app: 'webtv/paused' },
      interpolate: { kind: 'gradio', app: fx.url },
      music: { kind: 'gradio', app: 'webtv/missing' },
    } }));
    const r = await runSpacesCommand(t, ['check', '--config', file]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /video\s+OK\s+webtv\/running \/run\n\s+Space stage: RUNNING · hardware zero-a10g\n\s+reachable: yes · Gradio 6\.31\.0/);
    assert.match(r.out, /upscale\s+PAUSED\s+webtv\/paused \/upscale\n\s+Space stage: PAUSED · hardware t4-small\n\s+problem: Space webtv\/paused is paused by its owner/);
    assert.match(r.out, /interpolate\s+OK\s+http:\/\/127\.0\.0\.1:\d+\/ \/interpolate\n\s+reachable: yes/);
    assert.match(r.out, /music\s+UNREACHABLE\s+webtv\/missing \/predict_full\n\s+problem: the Hub: Space webtv\/missing was not found/);

    const json = JSON.parse((await runSpacesCommand(t, ['check', '--config', file, '--json'])).out);
    assert.deepEqual(json.checks.map((c: { stage?: string }) => c.stage), ['RUNNING', 'PAUSED', undefined, undefined]);

    const selfHosted = path.join(dir, 'self-hosted.json');
    fs.writeFileSync(selfHosted, JSON.stringify({ backends: { video: { kind: 'gradio', app: fx.url } } }));
    const asked = hub.requests.length;
    assert.equal((await runSpacesCommand(t, ['check', '--config', selfHosted])).code, 0);
    await video(fx.url)('self-hosted.mp4');
    assert.equal(hub.requests.length, asked, 'no request reached the Hub for a self-hosted app');
  });

  describe('through an episode (real Temporal dev server)', () => {
    let temporal: TestTemporal;
    before(async () => { temporal = await startTemporal(); });
    after(async () => { await temporal?.stop(); });

    test('an upscaler Space that is PAUSED: the episode degrades at once, asking the Hub once per shot', async () => {
      const w = await temporal.startWorker({ dataDir: path.join(temporal.tmpDir, 'paused'), backends: defaultBackends() });
      const input: EpisodeInput = {
        channel: 'paused', episode: 1, theme: 'a lighthouse in the fog', shots: 2, seed: 4,
        backends: { writer: { kind: 'offline' }, video: { kind: 'offline' }, upscale: { kind: 'gradio', app: 'webtv/paused' }, interpolate: { kind: 'offline', mode: 'blend' }, music: { kind: 'offline' } },
      };
      const asked = hub.runtimeRequests('webtv/paused').length;
      const m = await temporal.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'paused/episode-1', args: [input] });
      assert.equal(m.degraded, true);
      const ups = m.steps.filter((s) => s.step === 'upscaleShot');
      assert.equal(ups.length, 2);
      for (const s of ups) {
        assert.equal(s.backend, 'offline');
        assert.equal(s.degraded?.from, 'gradio');
        assert.match(s.degraded?.reason ?? '', /Space webtv\/paused is paused by its owner/);
      }
      assert.equal(hub.runtimeRequests('webtv/paused').length - asked, 2, 'one attempt per shot: nothing retried');
      assert.equal((await probe(m.episodePath)).video?.width, 1024);
    });
  });
});

