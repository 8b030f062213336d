import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTemporal, type TestTemporal } from './helpers/temporal';
import { defaultBackends } from '../src/activities/backends/registry';
import { probe } from '../src/activities/media/ffmpeg';
import { readActivityLog } from '../src/activities/episode/artifacts';
import { offlineBackends } from '../src/shared/validation';
import { episodeWorkflow } from '../src/workflows/episode';
import type { EpisodeInput } from '../src/shared/types';
import { integratedLoudness } from './helpers/media';

let t: TestTemporal;
before(async () => { t = await startTemporal(); });
after(async () => { await t?.stop(); });

describe('episode workflow on the real Temporal dev server', () => {
  it('makes a 3-shot offline episode in the broadcast format, with the same prompt to generate and upscale', async () => {
    const dataDir = path.join(t.tmpDir, 'happy');
    const w = await t.startWorker({ dataDir, backends: defaultBackends() });
    const input: EpisodeInput = { channel: 'happy', episode: 1, theme: 'a llama programmer in a dim room, typing at night', shots: 3, seed: 42, backends: offlineBackends() };
    const handle = await t.client.workflow.start(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'happy/episode-1', args: [input] });
    const manifest = await handle.result();

    const p = await probe(manifest.episodePath);
    assert.equal(p.video?.codec, 'h264');
    assert.equal(p.video?.width, 1024);
    assert.equal(p.video?.height, 576);
    assert.equal(p.video?.fps, 24);
    assert.equal(p.video?.pixFmt, 'yuv420p');
    assert.equal(p.audio?.codec, 'aac');
    assert.equal(p.audio?.sampleRate, 44100);
    assert.equal(p.audio?.channels, 2);
    // (The offline intermediates are raw video while they exist: test/episode-disk.test.ts.)
    const shotTotal = manifest.shots.reduce((s, x) => s + x.durationSec, 0);
    assert.ok(Math.abs(p.durationSec - shotTotal) / shotTotal < 0.05, `duration ${p.durationSec} vs shots ${shotTotal}`);
    assert.ok(Math.abs((p.audio?.durationSec ?? 0) - (p.video?.durationSec ?? 0)) < 0.03, 'audio as long as video');
    const lufs = await integratedLoudness(manifest.episodePath);
    assert.ok(Math.abs(lufs - -23) <= 1, `loudness ${lufs} LUFS, want -23 ± 1`);

    const onDisk = JSON.parse(fs.readFileSync(manifest.manifestPath, 'utf8'));
    assert.equal(onDisk.shots.length, 3);
    assert.deepEqual(onDisk.shots.map((s: { prompt: string }) => s.prompt), manifest.shots.map((s) => s.prompt));
    for (const s of onDisk.shots) assert.ok(s.prompt.length > 20 && s.prompt.includes('llama'), s.prompt);
    assert.equal(new Set(onDisk.shots.map((s: { prompt: string }) => s.prompt)).size, 3, 'each shot has its own prompt');
    assert.equal(onDisk.degraded, false);

    // The history: the shot list first, per shot generate → upscale → interpolate, the mux last; and the
    // upscaler got exactly the prompt the generator got.
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => {
      const a = e.activityTaskScheduledEventAttributes!;
      const payload = a.input?.payloads?.[0]?.data;
      return { type: a.activityType?.name ?? '', arg: payload ? JSON.parse(Buffer.from(payload).toString()) : undefined };
    });
    const types = scheduled.map((s) => s.type);
    assert.equal(types[0], 'moderate', 'the theme is moderated before anything is written');
    assert.equal(types.find((x) => x !== 'moderate'), 'writeShotList');
    assert.equal(types.at(-1), 'muxEpisode');
    for (let i = 0; i < 3; i++) {
      const at = (type: string) => scheduled.findIndex((s) => s.type === type && s.arg.shot === i);
      assert.ok(at('generateShot') < at('upscaleShot') && at('upscaleShot') < at('interpolateShot'), `order for shot ${i}: ${types.join(',')}`);
      const gen = scheduled[at('generateShot')].arg;
      const up = scheduled[at('upscaleShot')].arg;
      assert.equal(up.prompt, gen.prompt);
      assert.equal(up.prompt, manifest.shots[i].prompt);
      assert.equal(up.inPath, manifest.shots[i].files.generated);
    }
    assert.equal(types.filter((x) => x === 'composeMusic').length, 1);
  });
});
