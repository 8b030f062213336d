// Load on loopback: 500 viewers (HTTP clients, each with its own signed cookie) vote over 30 s on a
// channel that is on air. Nothing is lost or doubled (the votes the workflow counted equal the votes the
// server accepted, and the batches in the history carry exactly those votes), repeats are refused, the
// channel keeps airing, and the history grows by the vote batches (at most one signal a second), not by votes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { startTestRtmp, streamIsOn } from './helpers/rtmp';
import { runVoters } from './helpers/viewers';
import { defaultBackends } from '../src/activities/backends/registry';
import { startWebServer, type WebServer } from '../src/servers/web/server';
import { freePort } from '../src/servers/temporalDevServer';
import { channelWorkflowId } from '../src/shared/channel';
import { statusQuery, suggestUpdate } from '../src/shared/channelMessages';
import type { RtmpServer } from '../src/servers/rtmp';
import type { VoteBatch } from '../src/shared/suggestions';

let t: TestTemporal;
let rtmp: RtmpServer;
let web: WebServer;
before(async () => {
  t = await startTemporal();
  rtmp = await startTestRtmp(t.tmpDir);
});
after(async () => {
  await web?.stop();
  await rtmp?.stop();
  await t?.stop();
});

test('500 viewers voting over 30 s: votes counted equal votes accepted, air goes on, history grows by batches', async (tc) => {
  const w = await t.startWorker({ dataDir: path.join(t.tmpDir, 'data'), backends: defaultBackends(), broadcast: { rtmpBase: rtmp.rtmpBase, publishSecret: rtmp.secret } });
  const handle = await t.client.workflow.start('channelWorkflow', {
    taskQueue: w.taskQueue, workflowId: channelWorkflowId('load'), args: [{ channel: 'load', shots: 1, targetReady: 1 }],
  });
  const status = () => handle.query(statusQuery);
  web = await startWebServer({
    port: await freePort(), client: t.client, defaultChannel: 'load', flvUrl: (c) => rtmp.flvUrl(c),
    // All 500 viewers share 127.0.0.1 and none plays the stream here; the per-address limits and the
    // watching rule are for the public internet (test/web-votes.test.ts checks them).
    audienceLimits: { suggestionsPerIpPerMinute: 1, votesPerIpPerMinute: 1_000_000, votesPerAddress: 1_000_000, voteAfterSec: 0, newViewersPerIpPerMinute: 1_000_000 }, log: () => {},
  });
  const flv = rtmp.flvUrl('load').replace('localhost', '127.0.0.1');
  await waitFor('the channel on air', async () => (await status()).onAir && streamIsOn(flv, 3), 180_000, 1000);

  const ids: string[] = [];
  for (const [i, text] of ['a jazz band of cats', 'penguins on a tram', 'a robot gardener', 'a lighthouse keeper', 'snails racing at dawn'].entries()) {
    ids.push((await handle.executeUpdate(suggestUpdate, { args: [{ text, viewer: `seed-viewer-${i}` }] })).id);
  }
  await waitFor('five suggestions shown', () => status().then((s) => s.suggestions.length === 5), 60_000, 500);
  const eventsBefore = (await handle.fetchHistory()).events!.length;
  const airedBefore = (await status()).onAir!.since;

  const started = Date.now();
  const run = await runVoters({ baseUrl: web.url, viewers: 500, durationMs: 30_000, suggestionIds: ids, repeatShare: 0.1 });
  const votingSec = (Date.now() - started) / 1000;
  assert.deepEqual(run.failures, {}, 'every first vote accepted, every repeat refused');
  assert.ok(run.accepted >= 500, `each viewer voted at least once (${run.accepted} accepted)`);
  assert.ok(run.repeatsRefused > 20, `repeats were tried and refused (${run.repeatsRefused})`);

  const s = await waitFor('every accepted vote counted', async () => {
    const st = await status();
    return st.votesCounted >= run.accepted ? st : null;
  }, 60_000, 500);
  assert.equal(s.votesCounted, run.accepted, 'votes counted equal votes accepted');
  assert.deepEqual(Object.fromEntries(s.suggestions.map((x) => [x.id, x.votes])), Object.fromEntries(ids.map((id) => [id, run.perSuggestion[id] ?? 0])));

  // The channel kept airing: the stream is on and the on-air slot moved on during the votes.
  assert.ok(await streamIsOn(flv, 5), 'the stream is still on');
  await waitFor('air to move on to another slot opening', async () => (await status()).onAir!.since !== airedBefore, 120_000, 1000);

  const events = (await handle.fetchHistory()).events!;
  const signals = events.slice(eventsBefore).filter((e) => e.workflowExecutionSignaledEventAttributes);
  const batches = signals.filter((e) => e.workflowExecutionSignaledEventAttributes!.signalName === 'votes');
  const votesInBatches = batches.reduce((n, e) => {
    const batch = defaultPayloadConverter.fromPayload<VoteBatch>(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]);
    return n + batch.votes.length;
  }, 0);
  assert.equal(votesInBatches, run.accepted, 'the batches carry exactly the accepted votes');
  assert.ok(batches.length >= 2 && batches.length <= Math.ceil(votingSec) + 3, `${batches.length} vote signals over ${votingSec.toFixed(1)} s: at most one a second`);
  const otherSignals = signals.length - batches.length;
  const grew = events.length - eventsBefore;
  assert.ok(otherSignals < 40, `only the broadcast's slot signals besides (${otherSignals})`);
  tc.diagnostic(`${run.accepted} votes in ${batches.length} signals over ${votingSec.toFixed(1)} s; history grew ${grew} events (${((grew / run.accepted) * 1000).toFixed(0)} per 1,000 votes, air and episodes included)`);
  await handle.terminate('test over');
  await t.client.workflow.getHandle('broadcast/load').terminate('test over').catch(() => {});
});
