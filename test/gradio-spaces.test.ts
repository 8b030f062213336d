// `webtv spaces check` against the real fixture: a healthy config is reported OK with version, protocol
// and signature; a wrong endpoint name and an unknown parameter are reported as mismatches (exit 1).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../src/servers/temporalDevServer';
import { runSpacesCommand, startFixture, type Fixture } from './helpers/gradio';


describe('webtv spaces check (Gradio 5.50.0 fixture)', () => {
  let fx: Fixture;
  let dir: string;
  const write = (name: string, backends: unknown) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, JSON.stringify({ channel: 'test', backends }));
    return f;
  };
  before(async () => {
    fx = await startFixture('5.50.0');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-spaces-'));
  });
  after(async () => {
    await fx?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a healthy fixture is OK for all four capabilities', async (t) => {
    const g = { kind: 'gradio', app: fx.url };
    const file = write('ok.json', { video: g, upscale: g, interpolate: g, music: g });
    const r = await runSpacesCommand(t, ['check', '--config', file]);
    assert.equal(r.code, 0, r.out + r.err);
    for (const cap of ['video', 'upscale', 'interpolate', 'music']) assert.match(r.out, new RegExp(`${cap}\\s+OK\\s+${fx.url}`));
    assert.match(r.out, /Gradio 5\.50\.0 · protocol sse_v3 · \/run\(prompt, seed, num_frames, num_inference_steps\) -> Video/);
    assert.match(r.out, /All configured apps answer/);

    const json = await runSpacesCommand(t, ['check', '--config', file, '--json']);
    const report = JSON.parse(json.out);
    assert.equal(report.ok, true);
    assert.equal(report.checks.find((c: any) => c.capability === 'music').signature, '/predict_full(text, melody, duration) -> Audio');
  });

  test('a wrong endpoint name, an unknown parameter and a dead app are reported, exit code 1', async (t) => {
    const dead = `http://127.0.0.1:${await freePort()}/`;
    const file = write('bad.json', {
      video: { kind: 'gradio', app: fx.url, endpoint: '/generate' },
      upscale: { kind: 'gradio', app: fx.url, params: { video: '$video', prompt: '$prompt', strength: 0.8 } },
      interpolate: { kind: 'offline' },
      music: { kind: 'gradio', app: dead },
    });
    const r = await runSpacesCommand(t, ['check', '--config', file]);
    assert.equal(r.code, 1);
    assert.match(r.out, /video\s+MISMATCH\s+.*\/generate/);
    assert.match(r.out, /problem: endpoint \/generate does not exist; the app has \/run, \/upscale, \/interpolate, \/predict_full/);
    assert.match(r.out, /upscale\s+MISMATCH/);
    assert.match(r.out, /problem: parameter "strength" is not one of \/upscale's \(video, prompt, seed, denoise_strength\)/);
    assert.match(r.out, /interpolate\s+offline/);
    assert.match(r.out, /music\s+UNREACHABLE/);
    assert.match(r.out, /3 capability\(ies\) would fail/);
  });

  test('a config typo is named with its path, exit code 2', async (t) => {
    const file = write('typo.json', { video: { kind: 'gradio', app: fx.url, endpiont: '/run' } });
    const r = await runSpacesCommand(t, ['check', '--config', file]);
    assert.equal(r.code, 2);
    assert.match(r.err, /backends\.video: unknown key\(s\) "endpiont"/);
  });
});
