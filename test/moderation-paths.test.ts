// Moderation on every path, through the real Temporal dev server, a real worker, the real CLI and a local
// server speaking OpenAI's /v1/moderations: a channel's initial theme, the setTheme update and signal, an
// episode's theme (`webtv episode make`), the OpenAI writer's prompts (rewritten once, then made safe), and
// the offline fallback's prompts after the writer fails (the "Nothing, Forever" case).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { startFakeModeration, type FakeModeration } from './helpers/moderationServer';
import { startFakeOpenAI } from './helpers/openaiServer';
import { defaultBackends } from '../src/activities/backends/registry';
import { textHash } from '../src/activities/moderation/index';
import { rewriteOfflineShotPrompt, writeOfflineShotList } from '../src/activities/backends/shotlist/offline';
import type { ActivityDeps } from '../src/activities/deps';
import { channelWorkflowId } from '../src/shared/channel';
import { pauseSignal, setThemeSignal, setThemeUpdate, statusQuery } from '../src/shared/channelMessages';
import { THEME_REJECTED, safePrompt } from '../src/shared/theme';
import type { EpisodeInput } from '../src/shared/types';
import { offlineBackends } from '../src/shared/validation';
import { episodeWorkflow } from '../src/workflows/episode';
import { taskQueues } from '../src/shared/taskQueues';

// What the fake endpoint flags beyond the local rules: "cruelty", and the offline writer's first-draft actions
// (not its rewrite's "is lost in thought"), so the fallback writer's prompts are refused by the endpoint.
const DRAFT_ACTIONS = /slowly turns|works with quiet|pauses and looks|moves through|reaches for|laughs softly|glances at|walks towards|leans closer/;
const endpointFlags = (input: string) => [
  ...(/cruelty/i.test(input) ? ['violence', 'violence/graphic'] : []),
  ...(DRAFT_ACTIONS.test(input) ? ['harassment/threatening'] : []),
];

let t: TestTemporal;
let mod: FakeModeration;
before(async () => {
  t = await startTemporal();
  mod = await startFakeModeration(endpointFlags);
});
after(async () => {
  await mod?.close();
  await t?.stop();
});

const deps = (dataDir: string, extra: Partial<ActivityDeps> = {}): ActivityDeps => ({
  dataDir, backends: defaultBackends(), moderation: { apiKey: 'sk-test', baseURL: mod.baseURL }, ...extra,
});

function blendBackends(): EpisodeInput['backends'] {
  return { ...offlineBackends(), interpolate: { kind: 'offline', mode: 'blend' } };
}

async function scheduledActivities(workflowId: string) {
  const history = await t.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => {
    const a = e.activityTaskScheduledEventAttributes!;
    const payload = a.input?.payloads?.[0]?.data;
    return {
      type: a.activityType!.name!,
      queue: a.taskQueue!.name!,
      summary: e.userMetadata?.summary?.data ? String(JSON.parse(Buffer.from(e.userMetadata.summary.data).toString())) : '',
      arg: payload ? JSON.parse(Buffer.from(payload).toString()) : undefined,
    };
  });
}

describe('moderation on every path', () => {
  it('refuses a channel\'s initial theme, setTheme updates and signals, naming the categories and changing nothing', async () => {
    const dataDir = path.join(t.tmpDir, 'channel');
    const w = await t.startWorker(deps(dataDir));
    const env = { ...process.env, TEMPORAL_ADDRESS: t.server.address, WEBTV_TASK_QUEUE: w.taskQueue, WEBTV_DATA_DIR: dataDir };
    const webtv = (...args: string[]) => execa('node', ['bin/webtv.js', ...args], { env, reject: false });

    // The initial theme: refused by the local rules (spaced-out letters), the CLI says why and exits 1.
    const refused = await webtv('channel', 'start', 'bad1', '--theme', 'a documentary about g e n o c i d e', '--no-broadcast', '--shots', '1');
    assert.equal(refused.exitCode, 1, refused.stdout);
    assert.match(refused.stderr, /theme rejected by moderation \(violence\)/);
    assert.doesNotMatch(refused.stderr + refused.stdout, /documentary/);
    const bad1 = await t.client.workflow.getHandle(channelWorkflowId('bad1')).describe();
    assert.equal(bad1.status.name, 'FAILED');
    assert.equal((await scheduledActivities(channelWorkflowId('bad1'))).map((a) => a.type).join(), 'moderate', 'nothing ran but the check');

    // A clean theme with quotes and non-ASCII passes both layers verbatim.
    const clean = 'Le « café » d\'Amélie: "un été à Zürich" — 東京の夜';
    const started = await webtv('channel', 'start', 'c1', '--theme', clean, '--no-broadcast', '--shots', '1');
    assert.equal(started.exitCode, 0, started.stderr);
    assert.ok(mod.requests.some((r) => r.input === clean), 'sent to the endpoint as typed');
    const handle = t.client.workflow.getHandle(channelWorkflowId('c1'));
    await handle.signal(pauseSignal);
    const status = () => handle.query(statusQuery);
    assert.equal((await status()).theme, clean);

    // The update, refused by the endpoint: ThemeRejected with the categories, not the text.
    await assert.rejects(handle.executeUpdate(setThemeUpdate, { args: ['a slow scene of cruelty'] }), (err: unknown) => {
      assert.ok(err instanceof WorkflowUpdateFailedError);
      const cause = err.cause as ApplicationFailure;
      assert.ok(cause instanceof ApplicationFailure);
      assert.equal(cause.type, THEME_REJECTED);
      assert.match(cause.message, /theme rejected by moderation \(violence\)/);
      assert.doesNotMatch(cause.message, /cruelty/);
      assert.deepEqual(cause.details?.[0], { categories: ['violence'], textHash: textHash('a slow scene of cruelty') });
      return true;
    });
    // The same through the CLI, with a fullwidth + spaced evasion the local rules catch.
    const cliRefused = await webtv('channel', 'theme', 'c1', 'ＳＥＸ on the b e a c h');
    assert.equal(cliRefused.exitCode, 1);
    assert.match(cliRefused.stderr, /theme rejected by moderation \(sexual\)/);
    assert.doesNotMatch(cliRefused.stderr, /beach|ＳＥＸ/);

    // The signal (what `temporal workflow signal` sends): a refused theme is ignored and counted.
    await handle.signal(setThemeSignal, 'a m.u.r.d.e.r mystery on a train');
    await waitFor('the refused signal counted', async () => (await status()).moderation.rejected === 3, 30_000, 200);
    assert.equal((await status()).theme, clean);
    await handle.signal(setThemeSignal, 'a jazz band of penguins');
    await waitFor('the accepted signal applied', async () => (await status()).theme === 'a jazz band of penguins', 30_000, 200);

    // Endpoint down: an operator theme passes on the local rules, with a warning in the status and on the CLI.
    mod.setMode('error500');
    try {
      const warned = await webtv('channel', 'theme', 'c1', 'a kite festival on a windy beach');
      assert.equal(warned.exitCode, 0, warned.stderr);
      assert.match(warned.stdout, /theme of c1 is now: a kite festival on a windy beach/);
      assert.match(warned.stderr, /warning: moderation endpoint unavailable .*500.*passed on local rules only/);
      const s = await status();
      assert.equal(s.theme, 'a kite festival on a windy beach');
      assert.equal(s.moderation.warnings, 1);
      // …and the local rules still refuse.
      await assert.rejects(handle.executeUpdate(setThemeUpdate, { args: ['Ｎａｚｉｓ on parade'] }), (err: Error) => /theme rejected by moderation \(hate\)/.test(String((err.cause as Error)?.message)));
    } finally {
      mod.setMode('up');
    }
    const s = await status();
    assert.equal(s.moderation.rejected, 4);
    assert.equal(s.moderation.themeChecked, true);
    for (const bad of ['cruelty', 'ＳＥＸ', 'm.u.r.d.e.r', 'Ｎａｚｉｓ']) assert.ok(!JSON.stringify(s).includes(bad), `status shows ${bad}`);
    // The Web UI's activity summaries name what was checked, never the text.
    const acts = await scheduledActivities(channelWorkflowId('c1'));
    for (const a of acts.filter((x) => x.type === 'moderate')) assert.match(a.summary, /^moderate (initial|operator) theme \(operator, \d+ chars\)$/);
    await handle.terminate('test over');
  });

  it('refuses `webtv episode make --theme` with a rejected theme before anything is written', async () => {
    const dataDir = path.join(t.tmpDir, 'make');
    const w = await t.startWorker(deps(dataDir));
    const env = { ...process.env, TEMPORAL_ADDRESS: t.server.address, WEBTV_TASK_QUEUE: w.taskQueue, WEBTV_DATA_DIR: dataDir };
    const r = await execa('node', ['bin/webtv.js', 'episode', 'make', '--theme', 'MaSsAcRe at the harbour', '--shots', '1', '--channel', 'mk', '--episode', '1'], { env, reject: false });
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /webtv episode: theme rejected by moderation \(violence\)/);
    assert.deepEqual((await scheduledActivities('mk/episode-1')).map((a) => a.type), ['moderate']);
    assert.equal(fs.existsSync(path.join(dataDir, 'channels', 'mk', 'episodes')), false);
  });

  it('rewrites a refused OpenAI prompt once, then uses a safe prompt from the channel\'s theme; moderation runs on the remote queue', async () => {
    const bad = 'a lighthouse keeper on a stormy night, a bloodbath on the rocks, slow dolly in, cinematic';
    const good = 'a lighthouse keeper on a stormy night, climbing the spiral stairs, close-up, moody light';
    const llm = await startFakeOpenAI([
      { content: JSON.stringify({ mood: 'stormy strings, slow', shots: [good, bad] }) },
      { content: JSON.stringify({ prompt: 'a lighthouse keeper on a stormy night, a gory scene on the rocks, wide shot' }) },
    ]);
    try {
      const dataDir = path.join(t.tmpDir, 'rewrite');
      const openai = { baseURL: llm.baseURL, apiKey: 'test-key', model: 'test-model' };
      const main = await t.startWorker(deps(dataDir, { openai }));
      const remote = await t.startWorker(deps(dataDir, { openai }));
      const input: EpisodeInput = {
        channel: 'rw', episode: 1, theme: 'a lighthouse keeper on a stormy night', shots: 2, seed: 5,
        backends: { ...blendBackends(), writer: { kind: 'openai' } }, safeTheme: 'a lighthouse at dawn', remoteTaskQueue: taskQueues(remote.taskQueue).remote,
      };
      const m = await t.client.workflow.execute(episodeWorkflow, { taskQueue: main.taskQueue, workflowId: 'rw/episode-1', args: [input] });
      assert.deepEqual(m.shots.map((s) => s.prompt), [good, safePrompt('a lighthouse at dawn')]);
      assert.equal(m.moderation?.rejected, 2);
      assert.deepEqual(m.moderation?.replaced, [{ what: 'shot', shot: 1, by: 'safe', categories: ['violence'], textHash: textHash(bad) }]);
      const onDisk = fs.readFileSync(m.manifestPath, 'utf8');
      assert.doesNotMatch(onDisk, /bloodbath|gory/);

      // The writer was told why, and never shown the refused text; it kept the accepted prompt for consistency.
      assert.equal(llm.requests.length, 2);
      const ask = llm.requests[1].messages.map((x) => x.content).join('\n');
      assert.match(ask, /shot 2 of 2.*rejected by content moderation/s);
      assert.match(ask, /categories: violence/);
      assert.ok(ask.includes(good));
      assert.doesNotMatch(ask, /bloodbath/);

      const acts = await scheduledActivities('rw/episode-1');
      for (const a of acts.filter((x) => ['generateShot', 'upscaleShot'].includes(x.type))) assert.doesNotMatch(a.arg.prompt, /bloodbath|gory/);
      const mods = acts.filter((a) => a.type === 'moderate');
      assert.equal(mods.length, 1 + 2 + 2 + 1, 'theme, two prompts, the rewrite and the safe prompt, the music');
      for (const a of mods) assert.equal(a.queue, taskQueues(remote.taskQueue).remote);
      assert.equal(acts.find((a) => a.type === 'rewriteShotPrompt')?.queue, taskQueues(remote.taskQueue).remote, 'the OpenAI writer rewrites on the remote workers');
      assert.equal(acts.find((a) => a.type === 'generateShot')?.queue, taskQueues(main.taskQueue).media, 'offline renders on the media workers');
      assert.ok(acts.findIndex((a) => a.type === 'generateShot') > acts.map((a) => a.type).lastIndexOf('moderate'), 'every prompt checked before any shot is made');
    } finally {
      await llm.close();
    }
  });

  it('keeps a rewrite that passes', async () => {
    const bad = 'a snail race at dawn, a torture chamber in the background, wide shot, cinematic';
    const rewrite = 'a snail race at dawn, dew on the leaves, low-angle shot, soft golden light';
    const llm = await startFakeOpenAI([
      { content: JSON.stringify({ mood: 'playful pizzicato', shots: [bad] }) },
      { content: JSON.stringify({ prompt: rewrite }) },
    ]);
    try {
      const dataDir = path.join(t.tmpDir, 'rewrite-ok');
      const w = await t.startWorker(deps(dataDir, { openai: { baseURL: llm.baseURL, apiKey: 'k', model: 'm' } }));
      const input: EpisodeInput = { channel: 'rk', episode: 1, theme: 'a snail race at dawn', shots: 1, seed: 5, backends: { ...blendBackends(), writer: { kind: 'openai' } } };
      const m = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'rk/episode-1', args: [input] });
      assert.equal(m.shots[0].prompt, rewrite);
      assert.deepEqual(m.moderation?.replaced, [{ what: 'shot', shot: 0, by: 'rewrite', categories: ['violence'], textHash: textHash(bad) }]);
    } finally {
      await llm.close();
    }
  });

  it('moderates the offline fallback\'s prompts when the writer fails (the "Nothing, Forever" case)', async () => {
    const llm = await startFakeOpenAI([{ status: 401 }]);
    try {
      const dataDir = path.join(t.tmpDir, 'nf');
      const w = await t.startWorker(deps(dataDir, { openai: { baseURL: llm.baseURL, apiKey: 'wrong', model: 'm' } }));
      const theme = 'a robot gardener tending moon flowers';
      const seed = 3;
      const input: EpisodeInput = { channel: 'nf', episode: 1, theme, shots: 2, seed, backends: { ...blendBackends(), writer: { kind: 'openai' } } };
      const m = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'nf/episode-1', args: [input] });
      const ws = m.steps.find((s) => s.step === 'writeShotList')!;
      assert.equal(ws.backend, 'offline');
      assert.equal(ws.degraded?.from, 'openai');
      assert.match(ws.degraded!.reason, /refused our key \(401\)/);

      const drafts = writeOfflineShotList(theme, 2, seed).prompts;
      const refusedShots = drafts.flatMap((p, i) => (DRAFT_ACTIONS.test(p) ? [i] : []));
      assert.ok(refusedShots.length > 0, 'the fixture refuses at least one fallback prompt');
      for (const p of drafts) assert.ok(mod.requests.some((r) => r.input === p), `fallback prompt checked by the endpoint: ${p}`);
      for (let i = 0; i < 2; i++) {
        const expected = refusedShots.includes(i) ? rewriteOfflineShotPrompt(theme, i, seed) : drafts[i];
        assert.equal(m.shots[i].prompt, expected);
        assert.doesNotMatch(m.shots[i].prompt, DRAFT_ACTIONS);
      }
      assert.deepEqual(m.moderation?.replaced.map((r) => [r.shot, r.by, r.categories.join()]), refusedShots.map((i) => [i, 'rewrite', 'harassment']));
      assert.equal(llm.requests.length, 1, 'a refused key is not retried, and the offline writer rewrites offline');
    } finally {
      await llm.close();
    }
  });
});
