// An episode made through the real Temporal dev server by one worker is put in an S3 store (SeaweedFS),
// and a second worker with a data directory of its own airs it from there: no folder is shared.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Worker } from '@temporalio/worker';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { startSeaweed, type TestSeaweed } from './helpers/seaweedfs';
import { startTestRtmp, streamIsOn } from './helpers/rtmp';
import { startChannel } from '../src/channels/channelStart';
import { channelWorkflowId } from '../src/shared/channel';
import { statusQuery } from '../src/shared/channelMessages';
import { defaultBackends } from '../src/activities/backends/registry';
import { createActivities } from '../src/activities/index';
import { readActivityLog } from '../src/activities/episode/artifacts';
import { airPaths } from '../src/activities/broadcast/playlist';
import { offlineBackends } from '../src/shared/validation';
import { episodeWorkflow } from '../src/workflows/episode';
import { storeFromEnv, storeSettingsFromEnv, type Store } from '../src/store/index';
import { hashFile } from '../src/store/fileHash';
import { probe } from '../src/activities/media/ffmpeg';
import { airFromStoreWorkflow } from './fixtures/air-workflow/airFromStore';

const here = path.dirname(fileURLToPath(import.meta.url));
let t: TestTemporal;
let sw: TestSeaweed;
const stores: Store[] = [];

before(async () => {
  [t, sw] = await Promise.all([startTemporal(), startSeaweed()]);
});
after(async () => {
  for (const s of stores) s.close();
  await t?.stop();
  await sw?.cleanup();
});

describe('episodes through an S3 store', () => {
  it('puts the finished episode in the bucket with its sha256, and a worker with another data directory airs it from there', async () => {
    const env = sw.env('fleet');
    const mediaDir = path.join(t.tmpDir, 'media-worker');
    const airDir = path.join(t.tmpDir, 'air-worker');
    const mediaStore = storeFromEnv(mediaDir, env);
    const airStore = storeFromEnv(airDir, env);
    stores.push(mediaStore, airStore);

    // Folders of older episodes on the media worker: with a shared store they are scratch, kept for the last 8 only.
    const episodesDir = path.join(mediaDir, 'channels', 's3ep', 'episodes');
    for (const n of ['00002', '00005']) {
      fs.mkdirSync(path.join(episodesDir, n), { recursive: true });
      fs.writeFileSync(path.join(episodesDir, n, 'shot-01.generated.x.mp4'), 'old');
    }
    // Every stage kept, so the intermediates' codec can be checked after the run (test/episode-disk.test.ts: their release).
    process.env.WEBTV_KEEP_INTERMEDIATES = '1';
    const media = await t.startWorker({ dataDir: mediaDir, backends: defaultBackends(), store: mediaStore });
    const handle = await t.client.workflow.start(episodeWorkflow, {
      taskQueue: media.taskQueue,
      workflowId: 's3ep/episode-10',
      // Blend interpolation: the fast offline interpolator (the store is what is under test).
      args: [{ channel: 's3ep', episode: 10, theme: 'a lighthouse keeper counting gulls at dawn', shots: 2, seed: 5, backends: { ...offlineBackends(), interpolate: { kind: 'offline', mode: 'blend' } } }],
    });
    const manifest = await handle.result().finally(() => { delete process.env.WEBTV_KEEP_INTERMEDIATES; });
    await media.stop();

    const local = await hashFile(manifest.episodePath);
    // The episode claimed this media worker and made all its media here: the intermediates never left its
    // disk, so they are raw (no codec work), not the compact codec of files that travel.
    for (const f of [manifest.shots[0].files.upscaled, manifest.shots[0].files.interpolated]) assert.equal((await probe(f)).video?.codec, 'rawvideo', f);
    assert.deepEqual(manifest.episodeFile, { key: 'channels/s3ep/episodes/00010/episode.mp4', ...local });
    const onDisk = JSON.parse(fs.readFileSync(manifest.manifestPath, 'utf8'));
    assert.deepEqual(onDisk.episodeFile, manifest.episodeFile, 'manifest.json carries the ref too');
    const head = await sw.client().send(new HeadObjectCommand({ Bucket: sw.bucket, Key: `fleet/${manifest.episodeFile!.key}` }));
    assert.equal(head.ContentLength, local.size);
    assert.equal(head.Metadata?.sha256, local.sha256);
    // Only what leaves the media worker went in: the finished episode, for the air host.
    const listed = await sw.client().send(new ListObjectsV2Command({ Bucket: sw.bucket, Prefix: 'fleet/channels/s3ep/episodes/00010/' }));
    const names = (listed.Contents ?? []).map((o) => path.posix.basename(o.Key!));
    assert.deepEqual(names, ['episode.mp4']);
    assert.equal(mediaStore.moved.uploaded, local.size, 'uploaded once');
    // Every media step went to one queue: the media worker's own, which the episode claimed.
    const queues = new Set(((await handle.fetchHistory()).events ?? []).flatMap((e) => {
      const a = e.activityTaskScheduledEventAttributes;
      return a && ['generateShot', 'upscaleShot', 'interpolateShot', 'composeMusic', 'muxEpisode'].includes(a.activityType!.name!) ? [a.taskQueue!.name!] : [];
    }));
    assert.equal(queues.size, 1, [...queues].join(', '));
    assert.match([...queues][0], new RegExp(`^${media.taskQueue}-media-\\S+-[0-9a-f]{8}$`));
    assert.equal(mediaStore.moved.downloaded, 0, 'the media worker fetched nothing it had made itself');
    assert.ok(!fs.existsSync(path.join(episodesDir, '00002')), 'an episode folder 8 episodes back was pruned');
    assert.ok(fs.existsSync(path.join(episodesDir, '00005')), 'a recent one was kept');
    assert.deepEqual(readActivityLog(manifest.episodeDir).filter((e) => e.step === 'storeEpisode').map((e) => e.outcome), ['made']);

    // The air worker: its own data directory and task queue, running what the channel runs to air an episode.
    const airQueue = `air-${randomUUID()}`;
    const air = await Worker.create({
      connection: t.nativeConnection,
      taskQueue: airQueue,
      workflowsPath: path.join(here, 'fixtures/air-workflow/airFromStore.ts'),
      activities: createActivities({ dataDir: airDir, backends: defaultBackends(), store: airStore }),
    });
    const running = air.run();
    try {
      const { inode } = await t.client.workflow.execute(airFromStoreWorkflow, {
        taskQueue: airQueue,
        workflowId: `air-from-store-${randomUUID()}`,
        args: [{ channel: 's3ep', slot: 1, source: manifest.episodePath, file: manifest.episodeFile! }],
      });
      const slot = airPaths(airDir, 's3ep').slots[1];
      assert.equal(fs.statSync(slot).ino, inode);
      assert.deepEqual(await hashFile(slot), local, 'the slot holds the episode');
      // It came from the store: the slot is a hard link of the air worker's cached copy, downloaded once.
      const cached = path.join(storeSettingsFromEnv(airDir, env).cache.dir, `${local.sha256}.mp4`);
      assert.equal(fs.statSync(cached).ino, inode);
      assert.equal(airStore.moved.downloaded, local.size);
      assert.equal(airStore.moved.uploaded, 0);
      assert.equal(fs.existsSync(path.join(airDir, 'channels', 's3ep', 'episodes')), false, 'no episode folder on the air worker');
    } finally {
      air.shutdown();
      await running;
    }
  });
  it('SeaweedFS stopped for 20 s mid-episode: the steps wait it out, the episode completes, nothing is made twice', async () => {
    const env = sw.env('outage');
    const dataDir = path.join(t.tmpDir, 'outage-worker');
    const store = storeFromEnv(dataDir, env);
    stores.push(store);
    const w = await t.startWorker({ dataDir, backends: defaultBackends(), store });
    const handle = await t.client.workflow.start(episodeWorkflow, {
      taskQueue: w.taskQueue,
      workflowId: 'outage/episode-1',
      args: [{ channel: 'outage', episode: 1, theme: 'a night ferry crossing a calm bay', shots: 2, seed: 9, backends: { ...offlineBackends(), interpolate: { kind: 'offline', mode: 'blend' } } }],
    });
    const dir = path.join(dataDir, 'channels', 'outage', 'episodes', '00001');
    const log = () => (fs.existsSync(dir) ? readActivityLog(dir) : []);
    // Mid-episode: the finished episode's upload, the one put this episode makes, meets the outage.
    await waitFor('the first shot made', async () => log().some((e) => e.step === 'interpolateShot' && e.outcome === 'made'), 120_000, 100);
    await sw.stop();
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 20_000));
    await sw.start();
    const manifest = await handle.result();
    assert.ok(Date.now() - stoppedAt >= 20_000);
    // No attempt was spent on the outage, and no step made its output twice.
    for (const step of manifest.steps) assert.equal(step.attempts, 1, JSON.stringify(step));
    const made = new Map<string, number>();
    for (const e of log().filter((x) => x.outcome === 'made' && x.step !== 'store')) {
      const k = `${e.step}#${e.shot ?? ''}`;
      made.set(k, (made.get(k) ?? 0) + 1);
    }
    for (const k of ['generateShot#0', 'generateShot#1', 'upscaleShot#0', 'upscaleShot#1', 'interpolateShot#0', 'interpolateShot#1', 'composeMusic#', 'muxEpisode#']) {
      assert.ok(made.has(k), `${k} in ${[...made.keys()].join(', ')}`);
    }
    for (const [k, n] of made) assert.equal(n, 1, `${k} made ${n} times`);
    const putsAfter = log().filter((e) => e.step === 'storeEpisode' && e.outcome === 'made' && Date.parse(e.at) >= stoppedAt + 20_000);
    assert.equal(putsAfter.length, 1, 'the episode was put once SeaweedFS was back (the mux had waited for it)');
    // And everything reached the store once it was back.
    const head = await sw.client().send(new HeadObjectCommand({ Bucket: sw.bucket, Key: `outage/${manifest.episodeFile!.key}` }));
    assert.equal(head.Metadata?.sha256, manifest.episodeFile!.sha256);
    await w.stop();
  });

  it('wrong store credentials: the channel stays on its standby, and its status names the variable to fix', async () => {
    const rtmp = await startTestRtmp(t.tmpDir);
    const dataDir = path.join(t.tmpDir, 'bad-secret');
    // The worker's start check refuses this store (store.test.ts); here the secret goes wrong while the
    // channel runs, as when a key is rotated under a running worker. (A missing bucket can't be shown
    // this way on SeaweedFS: it creates a bucket on the first put; AWS S3 answers NoSuchBucket.)
    const store = storeFromEnv(dataDir, { ...sw.env(), AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    stores.push(store);
    const w = await t.startWorker({ dataDir, backends: defaultBackends(), store, broadcast: { rtmpBase: rtmp.rtmpBase, publishSecret: rtmp.secret, extraRtmp: [] } });
    try {
      await startChannel(t.client, w.taskQueue, { channel: 'nobucket', shots: 1, backends: { interpolate: { kind: 'offline', mode: 'blend' } } });
      const status = () => t.client.workflow.getHandle(channelWorkflowId('nobucket')).query(statusQuery);
      const st = await waitFor('an episode failure in the status', async () => {
        const s = await status().catch(() => undefined);
        return s && s.recentFailures.length > 0 ? s : undefined;
      }, 180_000, 1_000);
      assert.match(st.recentFailures[0].error, /^cannot look up channels\/nobucket\/episodes\/00001\/episode\.mp4 in s3:\/\/webtv\/: forbidden \(Unknown 403\): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
      assert.ok(!st.onAir?.episode, `nothing but the standby has aired: ${JSON.stringify(st.onAir)}`);
      assert.equal(st.made, 0);
      assert.ok(await streamIsOn(rtmp.flvUrl('nobucket'), 15), 'the standby stays on air');
      await t.client.workflow.getHandle(channelWorkflowId('nobucket')).cancel();
    } finally {
      await w.stop();
      await rtmp.stop();
    }
  });
});
