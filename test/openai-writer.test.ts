import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { startTemporal, type TestTemporal } from './helpers/temporal';
import { startFakeOpenAI, shotListJSON } from './helpers/openaiServer';
import { writeOpenAIShotList } from '../src/activities/backends/shotlist/openai';
import { defaultBackends } from '../src/activities/backends/registry';
import { offlineBackends } from '../src/shared/validation';
import { episodeWorkflow } from '../src/workflows/episode';

const settings = (baseURL: string) => ({ baseURL, apiKey: 'test-key', model: 'test-model' });
const signal = new AbortController().signal;

describe('OpenAI-compatible shot-list writer against a local OpenAI-compatible server', () => {
  it('takes a good answer', async () => {
    const llm = await startFakeOpenAI([{ content: shotListJSON(3, 'dark synthwave, slow') }]);
    try {
      const r = await writeOpenAIShotList(settings(llm.baseURL), 'a llama programmer', 3, 5, signal);
      assert.equal(r.prompts.length, 3);
      assert.equal(r.mood, 'dark synthwave, slow');
      assert.equal(llm.requests[0].model, 'test-model');
      assert.match(llm.requests[0].messages[1].content, /a llama programmer/);
    } finally {
      await llm.close();
    }
  });

  it('asks again after malformed JSON, telling the model what was wrong', async () => {
    const llm = await startFakeOpenAI([{ content: '{"mood": "calm", "shots": ["unterminated' }, { content: '```json\n' + shotListJSON(2) + '\n```' }]);
    try {
      const r = await writeOpenAIShotList(settings(llm.baseURL), 'a llama programmer', 2, 5, signal);
      assert.equal(r.prompts.length, 2);
      assert.equal(llm.requests.length, 2);
      assert.match(llm.requests[1].messages.at(-1)!.content, /not valid JSON/);
    } finally {
      await llm.close();
    }
  });

  it('fails non-retryably, naming the count, when the model keeps giving the wrong number of shots', async () => {
    const llm = await startFakeOpenAI([{ content: shotListJSON(2) }]);
    try {
      const err = await writeOpenAIShotList(settings(llm.baseURL), 'a llama programmer', 3, 5, signal).then(() => assert.fail('should fail'), (e) => e);
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, /the answer had 2 shots, 3 were asked for/);
      assert.equal(llm.requests.length, 3);
    } finally {
      await llm.close();
    }
  });

  it('rejects empty prompts', async () => {
    const llm = await startFakeOpenAI([{ content: JSON.stringify({ mood: 'calm', shots: ['a llama typing in a dim room, cinematic', '   '] }) }]);
    try {
      const err = await writeOpenAIShotList(settings(llm.baseURL), 'a llama', 2, 5, signal).then(() => assert.fail('should fail'), (e) => e);
      assert.match(err.message, /a shot prompt is shorter than 20 characters/);
    } finally {
      await llm.close();
    }
  });

  describe('through the real Temporal dev server', () => {
    let t: TestTemporal;
    before(async () => { t = await startTemporal(); });
    after(async () => { await t?.stop(); });

    it('is retried by Temporal after a 429 and the episode uses the answer', async () => {
      const good = shotListJSON(1, 'calm piano, slow');
      const llm = await startFakeOpenAI([{ status: 429, headers: { 'retry-after': '1' } }, { content: good }]);
      try {
        const w = await t.startWorker({ dataDir: path.join(t.tmpDir, 'llm'), backends: defaultBackends(), openai: settings(llm.baseURL) });
        const backends = { ...offlineBackends(), writer: { kind: 'openai' as const }, interpolate: { kind: 'offline', mode: 'blend' } };
        const handle = await t.client.workflow.start(episodeWorkflow, {
          taskQueue: w.taskQueue, workflowId: 'llm/episode-1',
          args: [{ channel: 'llm', episode: 1, theme: 'a llama programmer in a dim room', shots: 1, seed: 1, backends }],
        });
        const manifest = await handle.result();
        assert.deepEqual(manifest.shots.map((s) => s.prompt), JSON.parse(good).shots);
        assert.equal(manifest.mood, 'calm piano, slow');
        const ws = manifest.steps.find((s) => s.step === 'writeShotList')!;
        assert.equal(ws.backend, 'openai');
        assert.equal(ws.attempts, 2);
        const history = await handle.fetchHistory();
        const failed = history.events!.filter((e) => e.activityTaskStartedEventAttributes?.lastFailure);
        assert.match(failed[0].activityTaskStartedEventAttributes!.lastFailure!.message!, /rate-limited \(429\)/);
        assert.equal(llm.requests.length, 2);
      } finally {
        await llm.close();
      }
    });
  });
});
