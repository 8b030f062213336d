// Worker roles as several machines on one box: a media, a remote and two air `webtv worker` processes, each
// with its own data directory and air host id, against one real Temporal dev server, RTMP server and S3
// store (SeaweedFS). A channel's steps run where their role is (seen in the histories' worker identities),
// the air hosts take finished episodes from the store, air stays on the host the channel claimed, and when
// that host dies for good, `webtv channel move-air` puts it back on air elsewhere.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa, type ResultPromise } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { startTestRtmp, streamIsOn } from './helpers/rtmp';
import { startSeaweed, type TestSeaweed } from './helpers/seaweedfs';
import { startFixture, type Fixture } from './helpers/gradio';
import { startChannel } from '../src/channels/channelStart';
import { broadcastWorkflowId, channelWorkflowId, episodeWorkflowId, type ChannelStatus } from '../src/shared/channel';
import { statusQuery } from '../src/shared/channelMessages';
import { taskQueues } from '../src/shared/taskQueues';
import { offlineBackends } from '../src/shared/validation';
import { episodeWorkflow } from '../src/workflows/episode';
import { episodeDir } from '../src/activities/episode/paths';
import { readActivityLog } from '../src/activities/episode/artifacts';

const BASE = 'roles';
const CHANNEL = 'roles';
let t: TestTemporal;
let rtmp: Awaited<ReturnType<typeof startTestRtmp>>;
let sw: TestSeaweed;
let fx: Fixture;
const procs: { name: string; proc: ResultPromise; dataDir: string }[] = [];

function startWorker(name: string, roles: string, env: Record<string, string> = {}) {
  const dataDir = path.join(t.tmpDir, name);
  // detached: its own process group, so killing the "machine" takes its ffmpeg with it.
  const proc = execa('node', ['bin/webtv.js', 'worker', '--roles', roles], {
    env: { ...sw.env('roles'), TEMPORAL_ADDRESS: t.server.address, WEBTV_TASK_QUEUE: BASE, WEBTV_DATA_DIR: dataDir, ...env },
    reject: false, all: true, detached: true, cleanup: true,
  });
  const w = { name, proc, dataDir };
  procs.push(w);
  return w;
}

const air = (host: string) => ({ WEBTV_AIR_HOST: host, WEBTV_RTMP_URL: rtmp.rtmpBase, WEBTV_PUBLISH_SECRET: rtmp.secret });

before(async () => {
  t = await startTemporal();
  rtmp = await startTestRtmp(t.tmpDir);
  [sw, fx] = await Promise.all([startSeaweed(), startFixture('6.31.0')]);
});
after(async () => {
  for (const { proc } of procs) {
    try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ }
  }
  await Promise.allSettled(procs.map((p) => p.proc));
  await rtmp?.stop();
  await sw?.cleanup();
  await fx?.stop();
  await t?.stop();
});

/** activity type → the identities of the workers that started it, from a workflow's history. */
async function whoRan(client: Client, workflowId: string): Promise<Map<string, Set<string>>> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const typeOf = new Map<string, string>();
  const out = new Map<string, Set<string>>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) typeOf.set(String(e.eventId), scheduled.activityType!.name!);
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const type = typeOf.get(String(started.scheduledEventId))!;
      if (!out.has(type)) out.set(type, new Set());
      out.get(type)!.add(started.identity!);
    }
  }
  return out;
}

/** The worker identity of the broadcast's running onAir activity. */
async function onAirWorker(): Promise<string> {
  const d = await t.client.workflow.getHandle(broadcastWorkflowId(CHANNEL)).describe();
  const onAir = d.raw.pendingActivities?.find((a) => a.activityType?.name === 'onAir');
  return onAir?.lastWorkerIdentity ?? '(not started)';
}

const status = () => t.client.workflow.getHandle(channelWorkflowId(CHANNEL)).query(statusQuery);

test('webtv worker refuses an unknown role, an air role with no stream to publish, and a bad air host id', async () => {
  const r = await execa('node', ['bin/webtv.js', 'worker', '--roles', 'media,gpu'], { env: { TEMPORAL_ADDRESS: t.server.address }, reject: false });
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, /unknown role "gpu" in --roles: the roles are media, remote, air/);
  const mute = await execa('node', ['bin/webtv.js', 'worker', '--roles', 'air'], { env: { TEMPORAL_ADDRESS: t.server.address }, reject: false });
  assert.equal(mute.exitCode, 2, 'an air worker that cannot publish would take channels\' air and fail every onAir');
  assert.match(mute.stderr, /the air role publishes the stream: set WEBTV_RTMP_URL/);
  const bad = await execa('node', ['bin/webtv.js', 'worker'], { env: { TEMPORAL_ADDRESS: t.server.address, WEBTV_AIR_HOST: 'studio a' }, reject: false });
  assert.notEqual(bad.exitCode, 0);
  assert.match(bad.stderr, /WEBTV_AIR_HOST is invalid: an air host id is 1-63 letters/);
});

test('each role runs its own steps, air stays on the host it claimed, and move-air puts the channel back on air elsewhere', async () => {
  const media = startWorker('media', 'media');
  const remote = startWorker('remote', 'remote');
  const studioA = startWorker('studio-a', 'air', air('studio-a'));
  const studioB = startWorker('studio-b', 'air', air('studio-b'));
  const identityOf = (w: { proc: ResultPromise }) => new RegExp(`^webtv-\\w+ ${w.proc.pid}@`);

  await startChannel(t.client, BASE, {
    channel: CHANNEL, shots: 1, targetReady: 1, retainEpisodes: 2,
    // The shots are generated by a Gradio app (the remote worker), upscaled and interpolated offline (media).
    backends: { video: { kind: 'gradio', app: fx.url, deadlineSec: 60 }, interpolate: { kind: 'offline', mode: 'blend' } },
  });
  const first = await waitFor('an episode on air', async () => {
    const s = await status().catch(() => undefined);
    return s?.onAir?.episode && s.air ? s : undefined;
  }, 300_000, 1_000);
  const onHost = first.air!.host;
  const [home, other] = onHost === 'studio-a' ? [studioA, studioB] : [studioB, studioA];
  assert.equal(first.air!.queue, taskQueues(BASE).airHost(onHost));
  assert.ok(await streamIsOn(rtmp.flvUrl(CHANNEL, '127.0.0.1'), 10), 'the channel is on air');

  // Which worker ran each step: the Web UI shows these identities on every activity.
  const episode = await whoRan(t.client, episodeWorkflowId(CHANNEL, first.onAir!.episode!.episode));
  for (const step of ['writeShotList', 'upscaleShot', 'interpolateShot', 'composeMusic', 'muxEpisode']) {
    const ids = [...(episode.get(step) ?? [])];
    assert.ok(ids.length > 0 && ids.every((id) => identityOf(media).test(id) && id.startsWith('webtv-media ')), `${step} ran on ${ids.join(', ')}`);
  }
  for (const step of ['generateShot', 'moderate']) {
    assert.ok([...episode.get(step)!].every((id) => identityOf(remote).test(id) && id.startsWith('webtv-remote ')), `${step} ran on the remote worker`);
  }
  assert.equal((await fx.state()).calls['/run'] >= 1, true, 'the Gradio app made the shot');
  const channelSteps = await whoRan(t.client, channelWorkflowId(CHANNEL));
  for (const step of ['claimAir', 'prepareAir', 'swapSlot']) {
    assert.ok([...channelSteps.get(step)!].every((id) => identityOf(home).test(id)), `${step} ran on the air host the channel claimed`);
  }
  // onAir runs for days: its start is in the history only when it ends, so ask for the pending activity's worker.
  const onAirBy = await onAirWorker();
  assert.ok(identityOf(home).test(onAirBy) && onAirBy.startsWith('webtv-air '), `onAir runs on ${onAirBy}`);

  // Each machine wrote only what its role makes, and took what another made from the store, never from
  // that machine's folder (visible here only because the "machines" share one box).
  const channelDir = (w: { dataDir: string }) => path.join(w.dataDir, 'channels', CHANNEL);
  const cached = (w: { dataDir: string }) => { const d = path.join(w.dataDir, 'cache', 'store'); return fs.existsSync(d) ? fs.readdirSync(d) : []; };
  const made = (w: { dataDir: string }, pattern: RegExp) => {
    const dir = path.join(channelDir(w), 'episodes', String(first.onAir!.episode!.episode).padStart(5, '0'));
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => pattern.test(f)) : [];
  };
  assert.ok(made(remote, /\.generated\./).length > 0, 'the remote worker wrote the generated shot');
  assert.equal(made(media, /\.generated\./).length, 0, 'the media worker did not make the shot');
  // (The upscaled clip itself is gone once interpolated: intermediates.ts; the activity log says who made it.)
  const logged = (w: { dataDir: string }, step: string) =>
    readActivityLog(path.join(channelDir(w), 'episodes', String(first.onAir!.episode!.episode).padStart(5, '0'))).some((e) => e.step === step && e.outcome === 'made');
  assert.ok(logged(media, 'upscaleShot') && !logged(remote, 'upscaleShot') && made(media, /^episode\.mp4$/).length === 1, 'the media worker upscaled and muxed');
  assert.ok(cached(media).length > 0, 'the media worker fetched the generated shot from the store');
  const manifest = JSON.parse(fs.readFileSync(path.join(channelDir(media), 'episodes', String(first.onAir!.episode!.episode).padStart(5, '0'), 'manifest.json'), 'utf8'));
  assert.ok(fs.existsSync(path.join(channelDir(home), 'air')), 'the air folder is on the claimed host');
  assert.ok(!fs.existsSync(path.join(channelDir(home), 'episodes')), 'the air host made no episode files');
  assert.ok(cached(home).includes(`${manifest.episodeFile.sha256}.mp4`), 'the air host took the episode from the store, into its own cache');
  assert.ok(!fs.existsSync(channelDir(other)), 'the other air host has nothing of this channel');
  const objects = await sw.client().send(new ListObjectsV2Command({ Bucket: sw.bucket }));
  const keys = (objects.Contents ?? []).map((o) => o.Key!);
  assert.ok(keys.some((k) => k.endsWith('/episode.mp4')) && keys.some((k) => /\.generated\./.test(k)), `the store holds the steps' files: ${keys.join(', ')}`);

  // Moving to a host with no air worker fails at once, saying what to do.
  const cli = (...args: string[]) => execa('node', ['bin/webtv.js', 'channel', ...args], { env: { TEMPORAL_ADDRESS: t.server.address, WEBTV_TASK_QUEUE: BASE }, reject: false });
  const ghost = await cli('move-air', CHANNEL, '--to', 'ghost');
  assert.equal(ghost.exitCode, 1);
  assert.match(ghost.stderr, /no air worker on host ghost answered within 30 s: start one there \(WEBTV_AIR_HOST=ghost webtv worker --roles air\)/);
  assert.equal((await status()).air!.host, onHost, 'a failed move leaves air where it was');

  // The air host dies for good, ffmpeg and all: the stream goes off.
  process.kill(-home.proc.pid!, 'SIGKILL');
  await home.proc;
  await waitFor('the stream to go off', async () => !(await streamIsOn(rtmp.flvUrl(CHANNEL, '127.0.0.1'), 3)), 60_000, 500);
  const airedBefore = (await status()).aired;

  const moved = await cli('move-air', CHANNEL, '--to', other.name);
  assert.equal(moved.exitCode, 0, moved.stderr);
  assert.match(moved.stdout, new RegExp(`${CHANNEL} now airs from host ${other.name} \\(task queue ${BASE}-air-${other.name}\\); it left ${onHost}`));
  await waitFor('the stream back on air from the other host', () => streamIsOn(rtmp.flvUrl(CHANNEL, '127.0.0.1'), 5), 120_000, 1_000);
  const after = await waitFor('a new episode aired from the other host', async () => {
    const s: ChannelStatus = await status();
    return s.aired > airedBefore && s.onAir?.episode && !s.onAir.reair ? s : undefined;
  }, 300_000, 1_000);
  assert.equal(after.air!.host, other.name);
  assert.ok(fs.existsSync(path.join(channelDir(other), 'air')), 'the air folder was made on the new host');
  assert.ok(cached(other).length > 0, 'the new host took its episodes from the store');
  const nowBy = await onAirWorker();
  assert.ok(identityOf(other).test(nowBy), `onAir now runs on ${other.name}: ${nowBy}`);
  const st = (await cli('status', CHANNEL)).stdout;
  assert.match(st, new RegExp(`air host  ${other.name} \\(task queue ${BASE}-air-${other.name}\\)`));
});

test('a media worker SIGKILLed mid-episode: the episode claims a second media worker, with its own data directory, and makes its media again there', async () => {
  // Its own base queue, so the workers of the test above take none of this episode's steps.
  const base = 'roles-crash';
  const q = { WEBTV_TASK_QUEUE: base };
  const control = startWorker('crash-control', 'remote', q);
  const first = startWorker('crash-media-1', 'media', q);
  const identityOf = (w: { proc: ResultPromise }) => new RegExp(`^webtv-media ${w.proc.pid}@`);
  const workflowId = episodeWorkflowId('crash', 1);
  const handle = await t.client.workflow.start(episodeWorkflow, {
    taskQueue: base, workflowId,
    args: [{ channel: 'crash', episode: 1, theme: 'a paper boat drifting down a rainy street', shots: 3, seed: 11, parallelShots: 1,
      // A step waits this long for the claimed worker before the episode moves (default 300 s).
      mediaWorkerWaitSec: 10,
      backends: { ...offlineBackends(), interpolate: { kind: 'offline', mode: 'blend' } } }],
  });
  // Kill the first media "machine" (its process group: ffmpeg too) once shot 1 is done and shot 2 under way.
  const log1 = episodeDir(first.dataDir, 'crash', 1);
  await waitFor('shot 1 made and shot 2 started on the first media worker', () => {
    const log = fs.existsSync(log1) ? readActivityLog(log1) : [];
    return log.some((e) => e.step === 'interpolateShot' && e.shot === 0 && e.outcome === 'made') && log.some((e) => e.shot === 1);
  }, 180_000, 50);
  // With an S3 store the episode's files stayed on the worker that made them: nothing of it is in the bucket.
  const listed = async () => (await sw.client().send(new ListObjectsV2Command({ Bucket: sw.bucket }))).Contents?.map((o) => o.Key!) ?? [];
  assert.deepEqual((await listed()).filter((k) => k.includes('/channels/crash/')), [], 'intermediates stay on the media worker');
  process.kill(-first.proc.pid!, 'SIGKILL');
  assert.equal((await first.proc).signal, 'SIGKILL');
  const second = startWorker('crash-media-2', 'media', q);

  const manifest = await handle.result();
  assert.equal(manifest.shots.length, 3);
  // The episode claimed a media worker twice: the first one's queue took no step for 10 s once it died.
  const events = (await t.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const claims = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'claimMediaWorker');
  assert.equal(claims.length, 2, 'a second claim after the first worker was lost');
  const timedOut = events.filter((e) => [2, 'TIMEOUT_TYPE_SCHEDULE_TO_START'].includes(e.activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo?.timeoutType as unknown as string) /* the proto enum's TIMEOUT_TYPE_SCHEDULE_TO_START */);
  assert.ok(timedOut.length >= 1, 'a step sent to the lost worker timed out waiting for it');
  // Every media step of the episode's second round, and the mux, ran on the second worker; it made every
  // shot (shot 1 again: its files were on the dead machine's disk), each step once.
  const ran = await whoRan(t.client, workflowId);
  assert.ok([...ran.get('muxEpisode')!].every((id) => identityOf(second).test(id)), `the mux ran on ${[...ran.get('muxEpisode')!]}`);
  const log2 = readActivityLog(episodeDir(second.dataDir, 'crash', 1));
  for (const shot of [0, 1, 2]) {
    for (const step of ['generateShot', 'upscaleShot', 'interpolateShot']) {
      const n = log2.filter((e) => e.shot === shot && e.step === step && e.outcome === 'made');
      assert.equal(n.length, 1, `${step} of shot ${shot + 1} on the second worker: ${JSON.stringify(n)}`);
    }
  }
  // Only the finished episode went in the store.
  assert.ok(manifest.episodeFile, 'the episode is in the store');
  const keys = (await listed()).filter((k) => k.includes('/channels/crash/'));
  assert.deepEqual(keys.map((k) => path.posix.basename(k)), ['episode.mp4'], keys.join(', '));
  assert.ok(keys[0].endsWith(manifest.episodeFile!.key));
  process.kill(-control.proc.pid!, 'SIGKILL');
  process.kill(-second.proc.pid!, 'SIGKILL');
});
