import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { startTemporal, type TestTemporal } from './helpers/temporal';
import { startFakeOpenAI, shotListJSON } from './helpers/openaiServer';
import { defaultBackends } from '../src/activities/backends/registry';
import { offlineBackend } from '../src/activities/backends/offline/index';
import { episodeDir } from '../src/activities/episode/paths';
import { offlineBackends } from '../src/shared/validation';
import { episodeWorkflow } from '../src/workflows/episode';
import type { EpisodeInput } from '../src/shared/types';
import type { BackendRegistry } from '../src/activities/backends/backends';
import { taskQueues } from '../src/shared/taskQueues';

let t: TestTemporal;
before(async () => { t = await startTemporal(); });
after(async () => { await t?.stop(); });

// A stand-in for a remote backend in an outage: fails like a remote would (retryable, with the delay a
// server would ask for), then serves through the real offline renderer.
const outage = (failures: number) => {
  let calls = 0;
  const fail = () => {
    calls++;
    throw ApplicationFailure.create({ message: `simulated outage ${calls}`, type: 'Outage', nextRetryDelay: '100 milliseconds' });
  };
  return {
    video: async (...a: Parameters<NonNullable<typeof offlineBackend.video>>) => (calls < failures ? fail() : offlineBackend.video!(...a)),
    upscale: async (...a: Parameters<NonNullable<typeof offlineBackend.upscale>>) => (calls < failures ? fail() : offlineBackend.upscale!(...a)),
  };
};

function input(channel: string, over: Partial<EpisodeInput> = {}): EpisodeInput {
  const backends = offlineBackends();
  backends.interpolate = { kind: 'offline', mode: 'blend' };
  return { channel, episode: 1, theme: 'a lighthouse keeper on a stormy night', shots: 2, seed: 7, backends, parallelShots: 2, ...over };
}

function activityAttempts(events: any[], type: string): number[] {
  const ids = new Map<string, number>();
  for (const e of events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType?.name === type) ids.set(String(e.eventId), 0);
  }
  return events
    .filter((e) => e.activityTaskStartedEventAttributes && ids.has(String(e.activityTaskStartedEventAttributes.scheduledEventId)))
    .map((e) => e.activityTaskStartedEventAttributes.attempt);
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

describe('episode failures on the real Temporal dev server', () => {
  it('retries a backend that fails twice, and the history shows the attempts', async () => {
    const dataDir = path.join(t.tmpDir, 'retry');
    const backends: BackendRegistry = { ...defaultBackends(), flaky: outage(2) };
    const w = await t.startWorker({ dataDir, backends });
    const inp = input('retry', { shots: 1 });
    inp.backends.video = { kind: 'flaky' };
    const handle = await t.client.workflow.start(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'retry/episode-1', args: [inp] });
    const manifest = await handle.result();
    const history = await handle.fetchHistory();
    assert.equal(activityAttempts(history.events!, 'generateShot').at(-1), 3, 'generateShot completed on its third attempt');
    const gen = manifest.steps.find((s) => s.step === 'generateShot')!;
    assert.equal(gen.backend, 'flaky');
    assert.equal(gen.attempts, 3);
    assert.equal(gen.degraded, undefined);
    assert.equal(manifest.degraded, false);
    assert.ok(fs.existsSync(manifest.episodePath));
  });

  it('goes on with the offline upscaler when the configured one keeps failing, and says so', async () => {
    const dataDir = path.join(t.tmpDir, 'degrade');
    const backends: BackendRegistry = { ...defaultBackends(), broken: outage(Infinity) };
    const w = await t.startWorker({ dataDir, backends });
    const inp = input('degrade');
    inp.backends.upscale = { kind: 'broken' };
    const manifest = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'degrade/episode-1', args: [inp] });
    assert.equal(manifest.degraded, true);
    const ups = manifest.steps.filter((s) => s.step === 'upscaleShot');
    assert.equal(ups.length, 2);
    for (const u of ups) {
      assert.equal(u.backend, 'offline');
      assert.equal(u.degraded?.from, 'broken');
      assert.match(u.degraded!.reason, /simulated outage/);
    }
    const onDisk = JSON.parse(fs.readFileSync(manifest.manifestPath, 'utf8'));
    assert.equal(onDisk.degraded, true);
    assert.ok(fs.existsSync(manifest.episodePath));
  });

  it('sends remote steps to the task queue the episode names, where only that worker serves them', async () => {
    const dataDir = path.join(t.tmpDir, 'route');
    const main = await t.startWorker({ dataDir, backends: defaultBackends() });
    // Only the "GPU" worker knows the remote kind; the main worker would fail it as an unknown backend.
    const gpu = await t.startWorker({ dataDir, backends: { ...defaultBackends(), gpuonly: { video: offlineBackend.video } } });
    const inp = input('route', { shots: 1, remoteTaskQueue: taskQueues(gpu.taskQueue).remote });
    inp.backends.video = { kind: 'gpuonly' };
    const handle = await t.client.workflow.start(episodeWorkflow, { taskQueue: main.taskQueue, workflowId: 'route/episode-1', args: [inp] });
    const manifest = await handle.result();
    const gen = manifest.steps.find((s) => s.step === 'generateShot')!;
    assert.equal(gen.backend, 'gpuonly');
    assert.equal(gen.degraded, undefined);
    const queues = new Map((await handle.fetchHistory()).events!
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => [e.activityTaskScheduledEventAttributes!.activityType!.name!, e.activityTaskScheduledEventAttributes!.taskQueue!.name!]));
    assert.equal(queues.get('generateShot'), taskQueues(gpu.taskQueue).remote);
    assert.equal(queues.get('upscaleShot'), taskQueues(main.taskQueue).media, 'offline steps go to the media role of the episode\'s own workers');
    assert.equal(queues.get('muxEpisode'), taskQueues(main.taskQueue).media);
  });

  for (const [name, over, message] of [
    ['an empty theme', { theme: '   ' }, /theme is empty/],
    ['zero shots', { shots: 0 }, /shot count must be a whole number from 1 to 50, got 0/],
    ['a thousand shots', { shots: 1000 }, /shot count must be a whole number from 1 to 50, got 1000/],
  ] as const) {
    it(`rejects ${name} with a non-retryable failure that says what was wrong, writing nothing`, async () => {
      const dataDir = path.join(t.tmpDir, `bad-${name.replace(/\W+/g, '-')}`);
      const w = await t.startWorker({ dataDir, backends: defaultBackends() });
      const err = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: `bad/${name}`, args: [input('bad', over)] }).then(
        () => assert.fail('the workflow should fail'),
        (e) => e,
      );
      assert.ok(err instanceof WorkflowFailedError);
      const cause = err.cause as ApplicationFailure;
      assert.ok(cause instanceof ApplicationFailure);
      assert.equal(cause.nonRetryable, true);
      assert.equal(cause.type, 'InvalidEpisodeInput');
      assert.match(cause.message, message);
      assert.deepEqual(filesUnder(dataDir), []);
    });
  }

  it('falls back to the offline writer, on record, when the LLM keeps answering malformed JSON, writing only inside the episode folder', async () => {
    const llm = await startFakeOpenAI([{ content: 'Sure! Here are your shots: 1. a llama' }]);
    try {
      const dataDir = path.join(t.tmpDir, 'badllm');
      const w = await t.startWorker({ dataDir, backends: defaultBackends(), openai: { baseURL: llm.baseURL, apiKey: 'test-key', model: 'test-model' } });
      const inp = input('badllm');
      inp.backends.writer = { kind: 'openai' };
      const manifest = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'badllm/episode-1', args: [inp] });
      const ws = manifest.steps.find((s) => s.step === 'writeShotList')!;
      assert.equal(ws.backend, 'offline');
      assert.equal(ws.degraded?.from, 'openai');
      assert.match(ws.degraded!.reason, /no usable answer in 3 tries; last problem: the answer was not valid JSON/);
      assert.equal(manifest.degraded, true);
      assert.equal(llm.requests.length, 3, 'asked three times within one attempt, no Temporal retries of a hopeless model');
      const folder = episodeDir(dataDir, 'badllm', 1);
      for (const f of filesUnder(dataDir)) assert.ok(f.startsWith(folder + path.sep), `${f} is outside the episode folder`);
    } finally {
      await llm.close();
    }
  });
});
