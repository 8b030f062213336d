import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { offlineBackend } from '../src/activities/backends/offline/index';
import { lookFor } from '../src/activities/backends/offline/look';
import { musicFor } from '../src/activities/backends/offline/music';
import { writeOfflineShotList } from '../src/activities/backends/shotlist/offline';
import { probe, videoSec, type ProbeResult } from '../src/activities/media/ffmpeg';
import type { BackendContext } from '../src/activities/backends/backends';
import { execa } from 'execa';
import { frameHashes } from './helpers/media';

let dir: string;
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-offline-')); });
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const ctx = (): BackendContext => ({ signal: new AbortController().signal, heartbeat() {}, scratchDir: fs.mkdtempSync(path.join(dir, 'scratch-')) });
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const offline = { kind: 'offline' };

describe('offline renderers (ffmpeg, not the models)', () => {
  it('render the same prompt and seed to identical bytes, a 576×320 8-fps 3-s clip', async () => {
    const prompt = 'a llama programmer in a dim room, typing at night, slow dolly in, neon glow';
    const a = path.join(dir, 'a.mkv');
    const b = path.join(dir, 'b.mkv');
    await offlineBackend.video!(offline, { prompt, seed: 9, outPath: a }, ctx());
    await offlineBackend.video!(offline, { prompt, seed: 9, outPath: b }, ctx());
    assert.equal(sha(a), sha(b));
    const p = await probe(a);
    // A lossless intermediate, as every offline step writes (the mux makes the one lossy encode).
    assert.equal(p.video?.codec, 'rawvideo');
    assert.equal(p.video?.width, 576);
    assert.equal(p.video?.height, 320);
    assert.equal(p.video?.fps, 8);
    assert.equal((await frameHashes(a)).length, 24);
  });

  it("render in a data folder whose path holds quotes, colons and spaces, with a prompt full of them", async () => {
    const odd = fs.mkdtempSync(path.join(dir, "it's: a [folder], 100% odd; "));
    const out = path.join(odd, "shot 'one'.mkv");
    const scratch = fs.mkdtempSync(path.join(odd, "scratch 'x': "));
    await offlineBackend.video!(offline, { prompt: `a "quoted" fox: it's 100% %{pts} wild, [really]; x=1`, seed: 4, outPath: out }, { ...ctx(), scratchDir: scratch });
    assert.equal((await frameHashes(out)).length, 24);
  });

  it('give different prompts visibly different clips', async () => {
    const a = path.join(dir, 'fox.mkv');
    const b = path.join(dir, 'ocean.mkv');
    await offlineBackend.video!(offline, { prompt: 'a red fox in a snowy forest at dawn', seed: 1, outPath: a }, ctx());
    await offlineBackend.video!(offline, { prompt: 'waves crashing on a blue ocean shore at noon', seed: 1, outPath: b }, ctx());
    const [ha, hb] = [await frameHashes(a), await frameHashes(b)];
    assert.equal(ha.filter((h, i) => h === hb[i]).length, 0, 'no frame in common');
    assert.notEqual(lookFor('waves crashing on a blue ocean shore at noon', 1).hue, lookFor('a red fox in a snowy forest at dawn', 1).hue);
  });

  it('render each of the four procedural sources (a prompt that picks each) to a full 576×320 clip', async () => {
    const found = new Map<string, number>();
    for (let seed = 0; found.size < 4 && seed < 500; seed++) {
      const name = lookFor('a fox crossing a frozen lake', seed).sourceName;
      if (!found.has(name)) found.set(name, seed);
    }
    assert.deepEqual([...found.keys()].sort(), ['cellauto', 'gradients', 'life', 'mandelbrot']);
    for (const [name, seed] of found) {
      const out = path.join(dir, `source-${name}.mkv`);
      await offlineBackend.video!(offline, { prompt: 'a fox crossing a frozen lake', seed, outPath: out }, ctx());
      const p = await probe(out);
      assert.deepEqual([p.video?.width, p.video?.height, (await frameHashes(out)).length], [576, 320, 24], name);
    }
  });

  it('upscale to 1024×576 and interpolate to 24 fps losslessly, frame-identically on a second run', async () => {
    const src = path.join(dir, 'src.mkv');
    await offlineBackend.video!(offline, { prompt: 'a paper boat on a rainy street', seed: 3, outPath: src }, ctx());
    const up = path.join(dir, 'up.mp4');
    await offlineBackend.upscale!(offline, { prompt: 'a paper boat on a rainy street', seed: 3, inPath: src, outPath: up }, ctx());
    const pu = await probe(up);
    assert.deepEqual([pu.video?.width, pu.video?.height], [1024, 576]);
    const i1 = path.join(dir, 'i1.mkv');
    const i2 = path.join(dir, 'i2.mkv');
    await offlineBackend.interpolate!({ kind: 'offline', mode: 'blend' }, { inPath: up, outPath: i1, fps: 24 }, ctx());
    await offlineBackend.interpolate!({ kind: 'offline', mode: 'blend' }, { inPath: up, outPath: i2, fps: 24 }, ctx());
    const pi = await probe(i1);
    assert.equal(pi.video?.fps, 24);
    const [upFrames, interpolated] = [await frameHashes(up), await frameHashes(i1)];
    assert.equal(interpolated.length, 3 * upFrames.length, '24 frames at 8 fps become 72 at 24 fps: the shot keeps its length');
    assert.deepEqual(interpolated, await frameHashes(i2));
    // Lossless intermediates: the interpolator's every third frame is the upscaled frame itself, bit for bit,
    // and the upscaled frames are the Lanczos scale of the generated ones with nothing lost.
    assert.deepEqual(interpolated.filter((_, i) => i % 3 === 0), upFrames);
    const scaled = path.join(dir, 'scaled.nut');
    await execa('ffmpeg', ['-v', 'error', '-y', '-i', src, '-vf', 'scale=1024:576:flags=lanczos,setsar=1', '-c:v', 'rawvideo', '-pix_fmt', 'yuv420p', scaled]);
    assert.deepEqual(upFrames, await frameHashes(scaled));
  });

  it('say what they wrote as ffprobe reads it, so the step check needs no ffprobe start (raw and Ut Video)', async () => {
    const shape = (p: ProbeResult | void) => p && {
      video: p.video && [p.video.codec, p.video.width, p.video.height, p.video.fps, p.video.pixFmt, Number(videoSec(p)!.toFixed(3))],
      audio: p.audio && [p.audio.codec, p.audio.sampleRate, p.audio.channels, Number((p.audio.durationSec ?? p.durationSec).toFixed(3))],
    };
    for (const compactOutput of [false, true]) {
      const c = () => ({ ...ctx(), ...(compactOutput ? { compactOutput } : {}) });
      const gen = path.join(dir, `said-gen-${compactOutput}.mkv`);
      const said = await offlineBackend.video!(offline, { prompt: 'a heron over a marsh at dusk', seed: 5, outPath: gen }, c());
      assert.deepEqual(shape(said), shape(await probe(gen)), 'generated');
      assert.equal(said!.video!.codec, compactOutput ? 'utvideo' : 'rawvideo');
      const inSec = videoSec(said!)!;
      const up = path.join(dir, `said-up-${compactOutput}.mkv`);
      const saidUp = await offlineBackend.upscale!(offline, { prompt: 'a heron over a marsh at dusk', seed: 5, inPath: gen, outPath: up, inSec }, c());
      assert.deepEqual(shape(saidUp), shape(await probe(up)), 'upscaled');
      const inter = path.join(dir, `said-inter-${compactOutput}.mkv`);
      const saidInter = await offlineBackend.interpolate!({ kind: 'offline', mode: 'blend' }, { inPath: up, outPath: inter, fps: 24, inSec: videoSec(saidUp!), inSize: { width: 1024, height: 576 } }, c());
      assert.deepEqual(shape(saidInter), shape(await probe(inter)), 'interpolated');
      assert.equal(saidInter!.video!.frames, 72);
    }
    // Without the input's length (or size) a renderer cannot say: the activity probes the file instead.
    const gen = path.join(dir, 'said-gen-false.mkv');
    assert.equal(await offlineBackend.upscale!(offline, { prompt: 'x', seed: 5, inPath: gen, outPath: path.join(dir, 'unsaid.mkv') }, ctx()), undefined);
    assert.equal(await offlineBackend.interpolate!({ kind: 'offline', mode: 'blend' }, { inPath: gen, outPath: path.join(dir, 'unsaid-i.mkv'), fps: 24, inSec: 3 }, ctx()), undefined);
    const m = path.join(dir, 'said.wav');
    const saidMusic = await offlineBackend.music!(offline, { description: 'calm piano', durationSec: 9, seed: 2, outPath: m }, ctx());
    assert.deepEqual(shape(saidMusic), shape(await probe(m)), 'music');
  });

  it('compose music whose tempo and key follow the mood words, for exactly the asked duration', async () => {
    assert.ok(musicFor('energetic upbeat dance', 1).bpm > musicFor('calm slow ambient', 1).bpm + 30);
    assert.equal(musicFor('dark mysterious night', 1).minor, true);
    assert.equal(musicFor('bright happy morning', 1).minor, false);
    const m = path.join(dir, 'm.wav');
    await offlineBackend.music!(offline, { description: 'calm piano, slow', durationSec: 4.5, seed: 2, outPath: m }, ctx());
    const p = await probe(m);
    assert.equal(p.audio?.sampleRate, 44100);
    assert.equal(p.audio?.channels, 2);
    assert.ok(Math.abs(p.durationSec - 4.5) < 0.01, String(p.durationSec));
  });

  it('write self-contained, consistent prompts deterministically from theme and seed', () => {
    const a = writeOfflineShotList('a lighthouse keeper on a stormy night', 4, 8);
    assert.deepEqual(a, writeOfflineShotList('a lighthouse keeper on a stormy night', 4, 8));
    assert.notDeepEqual(a.prompts, writeOfflineShotList('a lighthouse keeper on a stormy night', 4, 9).prompts);
    assert.equal(a.prompts.length, 4);
    for (const p of a.prompts) assert.match(p, /^a lighthouse keeper on a stormy night, .+, .+, .+, .+/);
    // One lighting and style for the whole episode.
    const tail = (p: string) => p.split(', ').slice(-4).join(', ');
    assert.equal(new Set(a.prompts.map(tail)).size, 1);
  });
});
