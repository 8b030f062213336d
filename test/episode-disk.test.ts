// An episode's folder while it is made and once it has aired: each intermediate goes once the step that
// reads it has completed, the air gate leaves only the finished files, and WEBTV_KEEP_INTERMEDIATES=1 keeps
// everything. Real offline episodes on the real Temporal dev server; the gate is the real swapSlot.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { startTemporal, type TestTemporal } from './helpers/temporal';
import { defaultBackends } from '../src/activities/backends/registry';
import type { BackendRegistry } from '../src/activities/backends/backends';
import { createEpisodeActivities } from '../src/activities/episode/episode';
import { createBroadcastActivities } from '../src/activities/broadcast/index';
import { airPaths } from '../src/activities/broadcast/playlist';
import { readActivityLog } from '../src/activities/episode/artifacts';
import { probe } from '../src/activities/media/ffmpeg';
import { FINISHED_EPISODE_FILES, keepOnlyFinished, releaseInputs } from '../src/activities/episode/intermediates';
import { episodeDir } from '../src/activities/episode/paths';
import { keepIntermediatesFromEnv } from '../src/config/media';
import { offlineBackends } from '../src/shared/validation';
import { episodeWorkflow } from '../src/workflows/episode';
import type { EpisodeInput, EpisodeManifest } from '../src/shared/types';
import type { MuxRequest } from '../src/activities/media/mux';

let t: TestTemporal;
before(async () => { t = await startTemporal(); });
after(async () => { await t?.stop(); });

interface Seen { shot: string; files: string[]; codecs: (string | undefined)[] }

/**
 * Offline backends whose interpolator notes what the episode folder holds when it starts, and the codecs of
 * its input and output while they exist (on one machine the intermediates are raw video: no codec work).
 */
function watchingBackends(seen: Seen[]): BackendRegistry {
  const reg = defaultBackends();
  const offline = reg.offline;
  return {
    ...reg,
    offline: {
      ...offline,
      interpolate: async (spec, req, ctx) => {
        const files = fs.readdirSync(path.dirname(req.inPath));
        const written = await offline.interpolate!(spec, req, ctx);
        const codecs = [(await probe(req.inPath)).video?.codec, (await probe(req.outPath)).video?.codec];
        seen.push({ shot: path.basename(req.inPath).split('.')[0], files, codecs });
        return written;
      },
    },
  };
}

function input(channel: string, episode: number, shots: number): EpisodeInput {
  const backends = offlineBackends();
  backends.interpolate = { kind: 'offline', mode: 'blend' };
  return { channel, episode, theme: 'a paper boat drifting down a rainy street', shots, seed: 7, backends };
}

/** The channel's air folder made (as its broadcast does first), then the episode through the gate into slot 0. */
async function gate(dataDir: string, manifest: EpisodeManifest): Promise<void> {
  const air = createBroadcastActivities({ dataDir, backends: defaultBackends() });
  await new MockActivityEnvironment().run(air.prepareAir, { channel: manifest.channel });
  await new MockActivityEnvironment().run(air.swapSlot, { channel: manifest.channel, slot: 0, source: manifest.episodePath });
}

/** What other steps (directed episodes, a crashed attempt) leave in a folder besides this workflow's files. */
function plantOthers(dir: string): void {
  for (const f of ['screenplay.json', 'episode.vtt']) fs.writeFileSync(path.join(dir, f), '{}');
  for (const f of ['voice-01.wav', 'sfx-01.wav', 'music-02.wav', 'mix.wav', '.episode.attempt-1.tmp.mp4']) fs.writeFileSync(path.join(dir, f), 'x');
  fs.mkdirSync(path.join(dir, '.scratch-upscaleShot-abc123'));
  fs.writeFileSync(path.join(dir, '.scratch-upscaleShot-abc123', 'frame.png'), 'x');
}

describe('episode folder on disk', () => {
  it('drops each intermediate once the step that reads it completed, and keeps only the finished files after the air gate', async () => {
    const dataDir = path.join(t.tmpDir, 'lean');
    const seen: Seen[] = [];
    const w = await t.startWorker({ dataDir, backends: watchingBackends(seen) });
    try {
      const manifest = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'lean/episode-1', args: [input('lean', 1, 3)] });
      const dir = episodeDir(dataDir, 'lean', 1);

      // Each interpolation started after its shot's upscale completed: the generated clip was gone, the upscaled one there.
      assert.deepEqual(seen.map((s) => s.shot).sort(), ['shot-01', 'shot-02', 'shot-03']);
      for (const s of seen) {
        assert.equal(s.files.filter((f) => f.startsWith(`${s.shot}.generated.`)).length, 0, `${s.shot}'s generated clip still there at its interpolation: ${s.files}`);
        assert.equal(s.files.filter((f) => f.startsWith(`${s.shot}.upscaled.`)).length, 1, `${s.shot}'s upscaled clip (the input) missing: ${s.files}`);
        assert.deepEqual(s.codecs, ['rawvideo', 'rawvideo'], `${s.shot}'s upscaled and interpolated clips`);
      }
      // After the mux: no clip and no music left; the mux's inputs were there when it ran (the episode is whole).
      const afterMux = fs.readdirSync(dir).sort();
      assert.deepEqual(afterMux, ['activity-log.jsonl', 'episode.mp4', 'manifest.json', 'shotlist.json'], `after the mux: ${afterMux}`);
      assert.ok(Math.abs(manifest.durationSec - 9) < 0.1, `episode of ${manifest.durationSec} s`);

      plantOthers(dir);
      await gate(dataDir, manifest);
      const kept = fs.readdirSync(dir).sort();
      assert.deepEqual(kept, ['activity-log.jsonl', 'episode.mp4', 'episode.vtt', 'manifest.json', 'screenplay.json']);
      assert.deepEqual(kept, [...FINISHED_EPISODE_FILES].sort(), 'exactly the finished set');
      assert.equal(fs.statSync(airPaths(dataDir, 'lean').slots[0]).ino, fs.statSync(manifest.episodePath).ino, 'the episode went into its slot');

      // A retried mux, its inputs gone, reuses the episode (same workflow id) and needs none of them.
      const history = await t.client.workflow.getHandle('lean/episode-1').fetchHistory();
      const muxArg = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes).filter((a) => a?.activityType?.name === 'muxEpisode')
        .map((a) => JSON.parse(Buffer.from(a!.input!.payloads![0].data!).toString()))[0];
      for (const s of muxArg.shots) assert.equal(fs.existsSync(s.interpolated), false);
      const acts = createEpisodeActivities({ dataDir, backends: defaultBackends() });
      const again = await new MockActivityEnvironment({ attempt: 2 }).run<[MuxRequest], EpisodeManifest, typeof acts.muxEpisode>(acts.muxEpisode, muxArg);
      assert.equal(again.episodePath, manifest.episodePath);
      assert.deepEqual(readActivityLog(dir).filter((e) => e.step === 'muxEpisode').map((e) => `${e.attempt} ${e.outcome}`), ['1 made', '2 reused']);
    } finally {
      await w.stop();
    }
  });

  it('a retried step whose input was already removed reuses its own output', async () => {
    const dataDir = path.join(t.tmpDir, 'retry');
    const acts = createEpisodeActivities({ dataDir, backends: defaultBackends() });
    const run = <A, R>(attempt: number, fn: (a: A) => Promise<R>, arg: A) => new MockActivityEnvironment({ attempt }).run<[A], R, typeof fn>(fn, arg);
    const base = { channel: 'retry', episode: 1, shot: 0, prompt: 'a red kite over a grey sea', seed: 3, backend: { kind: 'offline' as const } };
    const generated = await run(1, acts.generateShot, base);
    const upscaled = await run(1, acts.upscaleShot, { ...base, inPath: generated.path });
    assert.equal(fs.existsSync(generated.path), false, 'the generated clip goes once its upscale completed');
    const retried = await run(2, acts.upscaleShot, { ...base, inPath: generated.path });
    assert.equal(retried.reused, true);
    assert.equal(retried.path, upscaled.path);
    const interpolated = await run(1, acts.interpolateShot, { ...base, backend: { kind: 'offline', mode: 'blend' }, inPath: upscaled.path, fps: 24 });
    assert.equal(fs.existsSync(upscaled.path), false, 'the upscaled clip goes once its interpolation completed');
    const again = await run(2, acts.interpolateShot, { ...base, backend: { kind: 'offline', mode: 'blend' }, inPath: upscaled.path, fps: 24 });
    assert.equal(again.reused, true);
    assert.equal(again.path, interpolated.path);
  });

  it('removes only files directly in the episode folder, never one outside it or a folder', async () => {
    const root = path.join(t.tmpDir, 'bounds');
    const dir = episodeDir(root, 'bounds', 1);
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    const outside = path.join(root, 'cache.mkv');
    const nested = path.join(dir, 'sub', 'clip.mkv');
    const mine = path.join(dir, 'shot-01.generated.x.mkv');
    for (const f of [outside, nested, mine, path.join(dir, 'episode.mp4')]) fs.writeFileSync(f, 'x');
    const removed = await releaseInputs(dir, [outside, nested, path.join(dir, 'sub'), mine, path.join(dir, 'episode.mp4'), path.join(dir, 'missing.mkv')]);
    assert.deepEqual(removed, [mine]);
    for (const f of [outside, nested, path.join(dir, 'episode.mp4')]) assert.ok(fs.existsSync(f), f);
  });

  it('WEBTV_KEEP_INTERMEDIATES=1 keeps every intermediate through the mux and the air gate', async () => {
    const dataDir = path.join(t.tmpDir, 'keep');
    const w = await t.startWorker({ dataDir, backends: defaultBackends() });
    process.env.WEBTV_KEEP_INTERMEDIATES = '1';
    try {
      const manifest = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'keep/episode-1', args: [input('keep', 1, 2)] });
      await gate(dataDir, manifest);
      for (const s of manifest.shots) for (const f of [s.files.generated, s.files.upscaled, s.files.interpolated]) assert.ok(fs.existsSync(f), f);
      assert.ok(fs.existsSync(manifest.music.file), manifest.music.file);
      assert.ok(fs.existsSync(path.join(manifest.episodeDir, 'shotlist.json')));
      assert.deepEqual(await keepOnlyFinished(manifest.episodeDir), [], 'nothing goes while the setting is on');
    } finally {
      delete process.env.WEBTV_KEEP_INTERMEDIATES;
      await w.stop();
    }
  });

  it('WEBTV_KEEP_INTERMEDIATES takes 1, 0, true or false and refuses anything else in one line', () => {
    assert.equal(keepIntermediatesFromEnv({ WEBTV_KEEP_INTERMEDIATES: 'true' }), true);
    assert.equal(keepIntermediatesFromEnv({ WEBTV_KEEP_INTERMEDIATES: '0' }), false);
    assert.equal(keepIntermediatesFromEnv({}), false);
    assert.throws(() => keepIntermediatesFromEnv({ WEBTV_KEEP_INTERMEDIATES: 'yes' }), /^Error: environment variable WEBTV_KEEP_INTERMEDIATES is invalid: expected 1 or true .*0 or false/);
  });
});
