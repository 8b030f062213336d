// The channel workflow's side of viewer participation against the real dev server and worker: a
// suggestion stays hidden while the moderation endpoint is down and appears once it is back (fail
// closed); a hostile one never appears; repeated votes in batches count once; operators list, remove and
// ban suggestions with the CLI; with `audience` on, episodes take the top suggestions in order and the
// channel's own theme returns when none is left.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { startFakeModeration, type FakeModeration } from './helpers/moderationServer';
import { SUGGESTION_SKELETON_PATCH } from '../src/workflows/moderation';
import { defaultBackends } from '../src/activities/backends/registry';
import { channelWorkflowId, type ChannelInput } from '../src/shared/channel';
import { pauseSignal, resumeSignal, statusQuery, suggestUpdate, votesSignal } from '../src/shared/channelMessages';

let t: TestTemporal;
let moderation: FakeModeration;
before(async () => {
  t = await startTemporal();
  moderation = await startFakeModeration({ cruelty: ['violence/graphic'] });
});
after(async () => {
  await t?.stop();
  await moderation?.close();
});

const viewer = (n: number) => `viewer-${String(n).padStart(4, '0')}`;

async function startPausedChannel(taskQueue: string, input: ChannelInput) {
  // Signal-with-start: the pause is handled before the workflow could start its first episode.
  return t.client.workflow.signalWithStart('channelWorkflow', {
    taskQueue, workflowId: channelWorkflowId(input.channel), args: [input], signal: pauseSignal, signalArgs: [],
  });
}

test('suggestions stay hidden while moderation is down, hostile ones never show, votes count once, operators remove and ban', async () => {
  const w = await t.startWorker({
    dataDir: path.join(t.tmpDir, 'mod'), backends: defaultBackends(), moderation: { apiKey: 'test-key', baseURL: moderation.baseURL },
  });
  const handle = await startPausedChannel(w.taskQueue, { channel: 'aud1', shots: 1, broadcast: false });
  const status = () => handle.query(statusQuery);

  moderation.setMode('down');
  const { id } = await handle.executeUpdate(suggestUpdate, { args: [{ text: 'a quiet lighthouse at night', viewer: viewer(1) }] });
  const hostile = await handle.executeUpdate(suggestUpdate, { args: [{ text: 'a cruelty contest', viewer: viewer(2) }] });
  await waitFor('moderation to be tried against the endpoint that is down', () => status().then((s) => s.suggestionsChecking === 2), 30_000, 200);
  // Fail closed: while the endpoint stays down (several retries), nothing is shown.
  for (let i = 0; i < 8; i++) {
    const s = await status();
    assert.deepEqual(s.suggestions, [], 'nothing is shown before moderation answers');
    assert.equal(s.suggestionsChecking, 2);
    await new Promise((r) => setTimeout(r, 500));
  }
  moderation.setMode('up');
  const shown = await waitFor('the clean suggestion to appear', async () => {
    const s = await status();
    return s.suggestions.length === 1 && s.suggestionsChecking === 0 ? s : null;
  }, 90_000, 500);
  assert.equal(shown.suggestions[0].id, id);
  assert.equal(shown.suggestions[0].text, 'a quiet lighthouse at night');
  assert.equal(shown.suggestionsRejected, 1, `the hostile suggestion ${hostile.id} was rejected`);
  assert.ok(!JSON.stringify(shown).includes('cruelty'), 'the rejected text is nowhere in the status');

  await assert.rejects(handle.executeUpdate(suggestUpdate, { args: [{ text: 'A quiet  LIGHTHOUSE at night!', viewer: viewer(3) }] }),
    (err: unknown) => err instanceof WorkflowUpdateFailedError && /already suggested/.test((err.cause as Error).message));

  await handle.signal(votesSignal, { votes: [{ id, viewer: viewer(5) }, { id, viewer: viewer(5) }, { id, viewer: viewer(6) }] });
  await handle.signal(votesSignal, { votes: [{ id, viewer: viewer(6) }, { id, viewer: viewer(7) }] });
  await handle.signal(votesSignal, { votes: 'not a batch' } as never);
  const voted = await waitFor('the votes to count', () => status().then((s) => (s.votesCounted === 3 ? s : null)), 30_000, 200);
  assert.equal(voted.suggestions[0].votes, 3, 'viewers 5, 6 and 7 once each');

  const env = { ...process.env, TEMPORAL_ADDRESS: t.server.address };
  const webtv = (...args: string[]) => execa('node', ['bin/webtv.js', 'channel', 'suggestions', ...args], { env, reject: false });
  const listed = await webtv('aud1');
  assert.equal(listed.exitCode, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`${id}\\s+3 votes\\s+a quiet lighthouse at night`));
  assert.match(listed.stdout, /1 rejected by moderation/);
  const missing = await webtv('aud1', 'remove', 's999');
  assert.equal(missing.exitCode, 1);
  assert.match(missing.stderr, /no suggestion s999/);
  const banned = await webtv('aud1', 'ban', id);
  assert.equal(banned.exitCode, 0, banned.stderr);
  assert.match(banned.stdout, /banned s1 \(3 votes\)/);
  assert.deepEqual((await status()).suggestions, []);
  for (const text of ['a quiet lighthouse at night', 'а quіet lighthouse at niiight']) { // the same skeleton: Cyrillic а, і
    await assert.rejects(handle.executeUpdate(suggestUpdate, { args: [{ text, viewer: viewer(9) }] }),
      (err: unknown) => err instanceof WorkflowUpdateFailedError && /not accepted/.test((err.cause as Error).message), text);
  }
  const history = await handle.fetchHistory();
  const patches = history.events!.flatMap((e) => {
    const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
    return data ? [Buffer.from(data).toString()] : [];
  });
  assert.ok(patches.some((p) => p.includes(SUGGESTION_SKELETON_PATCH)), `the ban took the patched path (${patches.join(', ')})`);
  const other = await handle.executeUpdate(suggestUpdate, { args: [{ text: 'penguins on a tram', viewer: viewer(9) }] });
  await waitFor('the next suggestion to appear', () => status().then((s) => s.suggestions.length === 1), 30_000, 200);
  const removed = await webtv('aud1', 'remove', other.id);
  assert.equal(removed.exitCode, 0, removed.stderr);
  assert.deepEqual((await status()).suggestions, []);
  assert.equal((await webtv('aud1', 'frobnicate', 's1')).exitCode, 2);
  await handle.terminate('test over');
});

test('with audience on, episodes take the most voted suggestion first, then the next (across continue-as-new), then the channel theme returns', async () => {
  const w = await t.startWorker({ dataDir: path.join(t.tmpDir, 'aud'), backends: defaultBackends() });
  const theme = 'the channel own theme: a slow river';
  const handle = await startPausedChannel(w.taskQueue, { channel: 'aud2', theme, shots: 1, broadcast: false, audience: true, targetReady: 3, maxEpisodesPerRun: 1 });
  const status = () => handle.query(statusQuery);
  const ids: string[] = [];
  for (const [i, text] of ['a jazz band of cats', 'penguins on a tram'].entries()) {
    ids.push((await handle.executeUpdate(suggestUpdate, { args: [{ text, viewer: viewer(i) }] })).id);
  }
  await waitFor('two suggestions shown', () => status().then((s) => s.suggestions.length === 2), 60_000, 200);
  await handle.signal(votesSignal, { votes: [{ id: ids[1], viewer: viewer(10) }, { id: ids[1], viewer: viewer(11) }, { id: ids[0], viewer: viewer(12) }] });
  await waitFor('votes counted', () => status().then((s) => s.votesCounted === 3), 30_000, 200);
  await handle.signal(resumeSignal);
  const s = await waitFor('three episodes made', async () => {
    const st = await status();
    return st.made >= 3 ? st : null;
  }, 400_000, 1000);
  assert.deepEqual(s.next.map((e) => [e.theme, !!e.suggested]), [
    ['penguins on a tram', true], ['a jazz band of cats', true], [theme, false],
  ]);
  assert.deepEqual(s.suggestions, [], 'both were taken');
  assert.equal(s.theme, theme, "the channel's own theme is unchanged");
  assert.ok(s.runs >= 3, `suggestions and votes travelled through continue-as-new (${s.runs} runs)`);
  await handle.terminate('test over');
});
