// Directed episodes, end to end on the real dev server with real parts: a two-character show written by an
// OpenAI-shaped server (a real local HTTP server), voiced by espeak-ng, made by the offline renderers, mixed
// and muxed with subtitles; the director's repair and fallback; and a channel whose story continues through
// a worker SIGKILL and continue-as-new.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { MockActivityEnvironment } from '@temporalio/testing';
import { defaultPayloadConverter } from '@temporalio/common';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { startFakeOpenAI, type FakeOpenAI } from './helpers/openaiServer';
import { integratedLoudness } from './helpers/media';
import { defaultBackends } from '../src/activities/backends/registry';
import { createDirectedActivities, type WrittenScreenplay } from '../src/activities/episode/directed';
import { writeOfflineScreenplay } from '../src/activities/backends/screenplay/offline';
import { promptHasDescription } from '../src/activities/backends/screenplay/rules';
import { channelWorkflowId, type ChannelInput } from '../src/shared/channel';
import { statusQuery } from '../src/shared/channelMessages';
import { offlineBackends } from '../src/shared/validation';
import { NARRATOR, type Show } from '../src/shared/show';
import type { EpisodeInput, EpisodeManifest } from '../src/shared/types';
import { episodeWorkflow } from '../src/workflows/episode';

const show: Show = {
  title: 'The Llama Who Codes',
  premise: 'Lorenzo, a llama programmer, tries to ship a tiny game before dawn while his cat Pixel keeps finding bugs.',
  setting: 'a dim attic room full of old computers, rain on the skylight, a desk lamp over a sleeping city',
  style: 'cinematic, warm tungsten light, soft film grain',
  characters: [
    { name: 'Lorenzo', description: 'a white llama in a green knitted hoodie and round glasses', voice: 'en' },
    // espeak-ng has no such voice: Pixel's lines fall back to the default voice, on record.
    { name: 'Pixel', description: 'a small black cat with a red collar and bright yellow eyes', voice: 'xx-nosuchvoice' },
  ],
};

let t: TestTemporal;
let openai: FakeOpenAI;
before(async () => { t = await startTemporal(); });
after(async () => {
  await openai?.close();
  await t?.stop();
});

/** The audio of a file above 1.5 kHz (speech's formants and sibilants; the offline music lives below), as mono samples. */
async function highBand(file: string, rate = 16000): Promise<Float32Array> {
  const { stdout } = await execa('ffmpeg', ['-v', 'error', '-i', file, '-vn', '-af', 'highpass=f=1500:poles=2,highpass=f=1500:poles=2', '-ac', '1', '-ar', String(rate), '-f', 'f32le', '-'], { encoding: 'buffer', maxBuffer: 1 << 28 });
  const b = Buffer.from(stdout);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}
const rmsDb = (x: Float32Array, rate: number, from: number, to: number) => {
  const a = Math.max(0, Math.floor(from * rate));
  const b = Math.min(x.length, Math.ceil(to * rate));
  let sum = 0;
  for (let i = a; i < b; i++) sum += x[i] * x[i];
  return 10 * Math.log10(sum / Math.max(1, b - a) + 1e-12);
};

/** WebVTT cue times in seconds, in order. */
function vttCues(text: string): { start: number; end: number; text: string }[] {
  const sec = (s: string) => s.split(':').reduce((acc, p) => acc * 60 + Number(p), 0);
  const cues: { start: number; end: number; text: string }[] = [];
  const blocks = text.split(/\r?\n\r?\n/);
  for (const block of blocks) {
    const lines = block.split(/\r?\n/);
    const i = lines.findIndex((l) => l.includes('-->'));
    if (i < 0) continue;
    const [a, b] = lines[i].split('-->').map((s) => s.trim().split(/\s+/)[0]);
    cues.push({ start: sec(a), end: sec(b), text: lines.slice(i + 1).join('\n') });
  }
  return cues;
}

test('a directed two-character episode: written by the model, voiced, made, mixed and muxed with subtitles', async () => {
  const written = writeOfflineScreenplay({ show, storySoFar: [], seed: 5, lengthSec: { min: 24, max: 28 }, episode: 1 });
  openai = await startFakeOpenAI([{ content: JSON.stringify(written) }]);
  const dataDir = path.join(t.tmpDir, 'directed');
  const w = await t.startWorker({ dataDir, backends: defaultBackends(), openai: { model: 'test-director', apiKey: 'test-key', baseURL: openai.baseURL } });
  const backends = offlineBackends();
  backends.writer = { kind: 'openai' };
  backends.interpolate = { kind: 'offline', mode: 'blend' };
  const input: EpisodeInput = { channel: 'show1', episode: 1, theme: show.premise, shots: 3, seed: 5, backends, show, storySoFar: [], lengthSec: { min: 24, max: 28 } };
  const handle = await t.client.workflow.start(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'show1/episode-1', args: [input] });
  const m: EpisodeManifest = await handle.result();
  const d = m.directed!;
  assert.ok(d, 'the manifest records the directed episode');
  assert.equal(d.writer, 'openai');
  assert.equal(d.repaired, undefined);
  assert.equal(openai.requests.length, 1, 'one structured-output call');
  assert.equal(d.title, written.title);

  // Every shot prompt of a character holds that character's fixed description.
  for (const scene of d.screenplay.scenes) {
    for (const s of scene.shots) {
      for (const name of s.characters) {
        const c = show.characters.find((x) => x.name === name)!;
        assert.ok(promptHasDescription(s.prompt, c.description), `"${s.prompt}" holds ${name}'s description`);
      }
    }
  }
  const speakers = new Set(d.plan.lines.map((l) => l.speaker));
  assert.ok(speakers.has('Lorenzo') && speakers.has('Pixel'), `both characters speak: ${[...speakers]}`);

  // The episode lasts its timeline, within 20–90 s.
  assert.ok(Math.abs(m.durationSec - d.plan.totalSec) <= 1 / 24 + 1e-6, `${m.durationSec} vs ${d.plan.totalSec}`);
  assert.ok(m.durationSec >= 20 && m.durationSec <= 90);

  // Pixel's unknown voice fell back to the default voice, on record; Lorenzo's did not.
  for (const v of d.voices) {
    if (v.speaker === 'Pixel') assert.match(v.fellBack ?? '', /xx-nosuchvoice/);
    else assert.equal(v.fellBack, undefined, `${v.speaker} kept its voice`);
  }

  // Every line is audible in its window: speech energy well above the windows with no line and no effect.
  const rate = 16000;
  const band = await highBand(m.episodePath, rate);
  const busy = [...d.plan.lines.map((l) => [l.start - 0.2, l.end + 0.3]), ...d.plan.cues.map((c) => [c.at - 0.2, c.at + c.seconds + 0.3])];
  const quiet: number[] = [];
  for (let s = 0; s + 0.5 <= m.durationSec; s += 0.5) {
    if (!busy.some(([a, b]) => s < b && s + 0.5 > a)) quiet.push(rmsDb(band, rate, s, s + 0.5));
  }
  const floor = quiet.length ? quiet.sort((a, b) => a - b)[Math.floor(quiet.length / 2)] : -90;
  for (const l of d.plan.lines) {
    const level = rmsDb(band, rate, l.start, l.end);
    assert.ok(level >= floor + 6, `line ${l.index} (${l.speaker}) at ${level.toFixed(1)} dB, the quiet windows at ${floor.toFixed(1)} dB`);
  }

  // Subtitles: episode.vtt beside episode.mp4, each cue timed exactly as its line.
  assert.equal(m.subtitlesPath, path.join(path.dirname(m.episodePath), 'episode.vtt'));
  const cues = vttCues(fs.readFileSync(m.subtitlesPath!, 'utf8'));
  assert.equal(cues.length, d.plan.lines.length);
  d.plan.lines.forEach((l, i) => {
    assert.ok(Math.abs(cues[i].start - l.start) < 0.0015 && Math.abs(cues[i].end - l.end) < 0.0015, `cue ${i}: ${cues[i].start}–${cues[i].end} vs ${l.start}–${l.end}`);
    assert.ok(cues[i].text.includes(l.text.slice(0, 20).replace(/&/g, '&amp;').replace(/</g, '&lt;')), `cue ${i} says its line`);
  });

  // Loudness as every episode: −23 ±1 LU.
  const lufs = await integratedLoudness(m.episodePath);
  assert.ok(Math.abs(lufs - -23) <= 1, `${lufs} LUFS`);

  // Every step is its own activity, with a summary the Web UI shows.
  const kinds = (step: string) => m.steps.filter((s) => s.step === step).length;
  assert.equal(kinds('voiceLine'), d.plan.lines.length);
  assert.equal(kinds('makeSoundEffect'), d.plan.cues.length);
  assert.equal(kinds('composeMusic'), d.plan.music.length);
  assert.equal(kinds('mixEpisodeAudio'), 1);
  assert.equal(kinds('generateShot'), d.plan.shots.length);
  const summaries: string[] = [];
  for (const e of (await handle.fetchHistory()).events ?? []) {
    const data = e.userMetadata?.summary?.data;
    if (e.activityTaskScheduledEventAttributes && data) summaries.push(JSON.parse(Buffer.from(data).toString('utf8')));
  }
  const first = d.plan.lines[0];
  assert.ok(summaries.some((s) => s.startsWith(`voice line 1/${d.plan.lines.length} — ${first.speaker}: "`)), `summaries: ${summaries.slice(0, 8).join(' | ')}`);
  await w.stop();
});

test('the director: a broken answer is sent back once and repaired; twice wrong, the offline director writes it, on record', async () => {
  const valid = JSON.stringify(writeOfflineScreenplay({ show, storySoFar: [], seed: 9, lengthSec: { min: 30, max: 45 }, episode: 2 }));
  const broken = JSON.stringify({ title: 'no scenes here' });
  const tooLong = JSON.parse(valid);
  tooLong.scenes[0].shots[0].seconds = 9;
  const server = await startFakeOpenAI([{ content: broken }, { content: valid }, { content: JSON.stringify(tooLong) }]);
  try {
    const dataDir = path.join(t.tmpDir, 'director');
    const acts = createDirectedActivities({ dataDir, backends: defaultBackends(), openai: { model: 'test-director', apiKey: 'test-key', baseURL: server.baseURL } });
    const env = new MockActivityEnvironment();
    const req = { channel: 'dir', episode: 2, show, storySoFar: [{ episode: 1, title: 'Night One', summary: 'Lorenzo ships a demo and Pixel finds a bug.' }], seed: 9, lengthSec: { min: 30, max: 45 }, writer: { kind: 'openai' as const } };
    const repaired = await env.run(acts.writeScreenplay, req) as WrittenScreenplay;
    assert.equal(repaired.writer, 'openai');
    assert.equal(repaired.repaired, true);
    assert.equal(server.requests.length, 2);
    assert.ok(server.requests[1].messages.some((msg) => msg.role === 'user' && /scenes/.test(msg.content)), 'the errors went back');
    assert.ok(server.requests[0].messages.some((msg) => msg.content.includes('Lorenzo ships a demo and Pixel finds a bug.')), 'the writer got the story so far');

    // The third and later replies break a rule: sent back once, then the offline director takes over.
    const fallback = await env.run(acts.writeScreenplay, { ...req, episode: 3 }) as WrittenScreenplay;
    assert.equal(fallback.writer, 'offline');
    assert.match(fallback.fallback ?? '', /9 s|seconds/);
    assert.equal(server.requests.length, 4);
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'channels', 'dir', 'episodes', '00003', 'screenplay.json'), 'utf8'));
    assert.equal(saved.writer, 'offline');
    assert.match(saved.fallback, /9 s|seconds/);
  } finally {
    await server.close();
  }
});

test('the story continues: episode 2 is written from episode 1, and survives a worker SIGKILL and continue-as-new', async () => {
  const dataDir = path.join(t.tmpDir, 'story');
  const taskQueue = 'story-test';
  const input: ChannelInput = {
    channel: 'story', theme: show.premise, show, broadcast: false, targetReady: 3, maxEpisodesPerRun: 1, lengthSec: { min: 20, max: 22 },
    backends: { interpolate: { kind: 'offline', mode: 'blend' } },
  };
  // The air role stays in this process (a channel's air is not what this is about); production runs in a
  // separate worker process (media and remote roles), so it can really be SIGKILLed in the middle of episode 2.
  const air = await t.startWorker({ dataDir, backends: defaultBackends() }, { taskQueue, roles: ['air'] });
  const first = execa('node', ['bin/webtv.js', 'worker', '--roles', 'media,remote'], { env: { ...process.env, TEMPORAL_ADDRESS: t.server.address, WEBTV_DATA_DIR: dataDir, WEBTV_TASK_QUEUE: taskQueue }, reject: false, all: true });
  let second: Awaited<ReturnType<TestTemporal['startWorker']>> | undefined;
  try {
    const handle = await t.client.workflow.start('channelWorkflow', { taskQueue, workflowId: channelWorkflowId('story'), args: [input] });
    const status = () => handle.query(statusQuery);
    await waitFor('episode 2 in production', async () => {
      if (first.exitCode !== null) throw new Error(`the worker process ended early: ${(await first).all}`);
      return (await status()).producing.some((p) => p.episode === 2);
    }, 300_000, 300);
    first.kill('SIGKILL');
    assert.equal((await first).signal, 'SIGKILL');
    // One process runs one worker per task queue: this one takes over every role.
    await air.stop();
    second = await t.startWorker({ dataDir, backends: defaultBackends() }, { taskQueue });
    const s = await waitFor('three episodes made over several runs', async () => {
      const x = await status();
      return x.made >= 3 && x.runs >= 3 ? x : null;
    }, 600_000, 500);

    const manifest = (n: number): EpisodeManifest =>
      JSON.parse(fs.readFileSync(path.join(dataDir, 'channels', 'story', 'episodes', String(n).padStart(5, '0'), 'manifest.json'), 'utf8'));
    // Episode 2's writer was given episode 1's summary.
    const history = await t.client.workflow.getHandle('story/episode-2').fetchHistory();
    const started = history.events![0].workflowExecutionStartedEventAttributes!;
    const ep2Input = defaultPayloadConverter.fromPayload(started.input!.payloads![0]) as EpisodeInput;
    assert.deepEqual(ep2Input.storySoFar?.map((e) => e.summary), [manifest(1).directed!.summary]);
    // The story so far is whole after the kill and the continue-as-new runs, in episode order.
    assert.deepEqual(s.previously.map((e) => e.episode), [1, 2, 3]);
    assert.deepEqual(s.previously.map((e) => e.summary), [1, 2, 3].map((n) => manifest(n).directed!.summary));
    assert.equal(s.show?.title, show.title);
    assert.ok(manifest(2).directed!.plan.lines.some((l) => l.speaker === NARRATOR || l.speaker === 'Lorenzo'));
    await handle.cancel();
  } finally {
    if (first.exitCode === null) first.kill('SIGKILL');
    await second?.stop();
    await air.stop();
  }
});
