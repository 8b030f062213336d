// Each Gradio backend against the real fixture server, on both pinned Gradio versions (5.x answers
// gr.Video as { video, subtitles }, 6.x as the plain file): the media that comes back, and what reached the app.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { handle_file } from '@gradio/client';
import { gradioBackend } from '../src/activities/backends/gradio/index';
import { connectApp, endpointParams } from '../src/activities/backends/gradio/connection';
import { fileInput } from '../src/activities/backends/gradio/shapes';
import { uploadInput } from '../src/activities/backends/gradio/upload';
import type { BackendContext } from '../src/activities/backends/backends';
import { GRADIO_VERSIONS, startFixture, type Fixture } from './helpers/gradio';
import { probe } from '../src/activities/media/ffmpeg';

function context(dir: string, beats: Record<string, unknown>[] = []): BackendContext {
  return { signal: new AbortController().signal, heartbeat: (d) => { if (d) beats.push(d); }, scratchDir: dir };
}

for (const version of GRADIO_VERSIONS) {
  describe(`Gradio backends against a Gradio ${version} app`, () => {
    let fx: Fixture;
    let dir: string;
    const spec = (extra: Record<string, unknown> = {}) => ({ kind: 'gradio', app: fx.url, deadlineSec: 60, ...extra });
    before(async () => {
      fx = await startFixture(version);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-gradio-'));
    });
    after(async () => {
      await fx?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    test('video, upscale with the same prompt, interpolate and music come back as the media asked for', async () => {
      const prompt = `a lighthouse at dusk ${version}`;
      const beats: Record<string, unknown>[] = [];
      const shot = path.join(dir, 'shot.mp4');
      await gradioBackend.video!(spec({ params: { prompt: '$prompt', seed: '$seed', num_frames: 16, num_inference_steps: 10 } }), { prompt, seed: 42, outPath: shot }, context(dir, beats));
      const p1 = await probe(shot);
      assert.deepEqual([p1.video?.width, p1.video?.height, p1.video?.fps], [576, 320, 8]);
      assert.ok(Math.abs(p1.durationSec - 2) < 0.2, `duration ${p1.durationSec}`);
      assert.ok(beats.some((b) => b.stage === 'running'), `heartbeats showed the job running: ${JSON.stringify(beats)}`);
      assert.ok(beats.some((b) => b.desc === 'denoising'), 'progress reached the heartbeat');

      const up = path.join(dir, 'up.mp4');
      await gradioBackend.upscale!(spec(), { prompt, seed: 42, inPath: shot, outPath: up }, context(dir));
      const p2 = await probe(up);
      assert.deepEqual([p2.video?.width, p2.video?.height], [1024, 576]);
      const st = await fx.state();
      assert.equal(st.last['/upscale'].prompt, prompt, 'the upscaler got the same prompt');
      assert.equal(st.last['/upscale'].video, 'shot.mp4', 'the input arrived under its own name, with .mp4');
      assert.equal(st.last['/run'].prompt, prompt);
      assert.equal(st.gradio, version);

      const smooth = path.join(dir, 'smooth.mp4');
      await gradioBackend.interpolate!(spec(), { inPath: up, outPath: smooth, fps: 24 }, context(dir));
      const p3 = await probe(smooth);
      assert.equal(p3.video?.fps, 24);
      assert.equal(p3.video?.width, 1024);
      assert.equal((await fx.state()).last['/interpolate'].video, 'up.mp4');

      const music = path.join(dir, 'music.wav');
      await gradioBackend.music!(spec(), { description: 'calm piano', durationSec: 2, seed: 1, outPath: music }, context(dir));
      const p4 = await probe(music);
      assert.ok(p4.audio && !p4.video);
      assert.ok(Math.abs(p4.durationSec - 2) < 0.1, `music duration ${p4.durationSec}`);
      assert.equal((await fx.state()).last['/predict_full'].text, 'calm piano');
    });

    test('uploads keep their file names: a .wav melody arrives as .wav; a nameless blob is refused by the app', async () => {
      const melody = path.join(dir, 'melody-01.wav');
      await execa('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=1', melody]);
      const conn = await connectApp(fx.url);
      try {
        const named = await uploadInput(conn, melody, 'audio', 'test');
        await conn.client.predict('/predict_full', ['a hummed tune', named, 1]);
        assert.equal((await fx.state()).last['/predict_full'].melody, 'melody-01.wav');
        // What handle_file(path) sends: the app sees "blob", and refuses it like an extension-picky Space.
        const clip = path.join(dir, 'shot.mp4');
        const param = endpointParams(conn, '/upscale').find((p) => p.parameter_name === 'video');
        const bare = fileInput(handle_file(clip) as any, param, conn.major);
        await assert.rejects(conn.client.predict('/upscale', [bare, 'p', 1, 0.75]), (err: any) => {
          assert.match(String(err?.message ?? JSON.stringify(err)), /arrived as 'blob', without a/);
          return true;
        });
      } finally {
        conn.close();
      }
    });
  });
}
