// Issue 22 §3–§4 end to end: the real model server (model-server/app.py, Gradio 6.31.0, CPU) on tiny
// random-weight Dia and AudioLDM 2 built by model-server/tests/tiny_sound.py, called through the product's
// own Gradio backend. A character's lines share one reference clip, made once and kept in the show's
// cache; sound effects come back at the length asked for; a voice name an app does not know is UnknownVoice.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import { UNKNOWN_VOICE, type BackendContext, type BackendSpec, type VoiceRequest } from '../src/activities/backends/backends';
import { gradioBackend } from '../src/activities/backends/gradio/index';
import { REFERENCE_SENTENCE, referenceClipPath, unknownVoice } from '../src/activities/backends/gradio/voice';
import { classifyAppError } from '../src/activities/backends/gradio/failures';
import { probe } from '../src/activities/media/ffmpeg';
import { freePort } from '../src/servers/temporalDevServer';
import { baseEnv, modelServerPython, repoRoot, startModelServer, type ModelServer } from './helpers/modelServer';
import { waitFor } from './helpers/wait';
import { startTemporal } from './helpers/temporal';
import { defaultBackends } from '../src/activities/backends/registry';
import { offlineBackends } from '../src/shared/validation';
import type { Show } from '../src/shared/show';
import type { EpisodeInput } from '../src/shared/types';
import { episodeWorkflow } from '../src/workflows/episode';

interface Job { endpoint: string; prompt: string | null; error: string | null; audio_prompt_sha256?: string | null }

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function wav(file: string) {
  const p = await probe(file);
  assert.equal(p.audio?.codec, 'pcm_s16le', `${file} is a 16-bit WAV`);
  assert.ok(p.durationSec > 0, `${file} has sound`);
  return p;
}

describe('the model server\'s /speak and /sfx through the Gradio backend (tiny Dia and AudioLDM 2, CPU)', () => {
  let dir: string;
  let server: ModelServer;
  let cacheDir: string;
  const ctx = (): BackendContext => ({ signal: AbortSignal.timeout(300_000), heartbeat() {}, scratchDir: dir });
  const jobs = async () => ((await server.health()) as unknown as { jobs: Job[] }).jobs.filter((j) => j.endpoint === '/speak');

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-sound-'));
    cacheDir = path.join(dir, 'show-cache');
    const r = await execa(await modelServerPython(), [path.join(repoRoot, 'model-server/tests/tiny_sound.py'), path.join(dir, 'models')], { env: baseEnv });
    const models = JSON.parse(r.stdout.trim().split('\n').pop()!) as { voice: string; sfx: string };
    server = await startModelServer({ WEBTV_VOICE_MODEL: models.voice, WEBTV_SFX_MODEL: models.sfx });
  });
  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const spec: BackendSpec = { kind: 'gradio', app: '' };
  const line = (text: string, speaker: string, character: number, seed: number): VoiceRequest =>
    ({ text, speaker, character, seed, cacheDir, outPath: path.join(dir, `${speaker}-${crypto.randomUUID()}.wav`) });

  test('one character\'s two lines: the reference clip is made once, kept in cacheDir, and sent with both', async () => {
    const ada = { ...spec, app: server.url };
    const first = line('Good evening, and welcome to the show.', 'ADA', 0, 11);
    await gradioBackend.voice!(ada, first, ctx());
    const p = await wav(first.outPath);
    assert.equal(p.audio?.sampleRate, 44100, 'Dia\'s codec rate');

    const clip = referenceClipPath(cacheDir, { app: server.url, endpoint: '/speak' }, 'ADA');
    assert.deepEqual(fs.readdirSync(cacheDir), [path.basename(clip)], 'one clip, under the name the hash gives');
    await wav(clip);
    const made = fs.statSync(clip);

    const second = line('(laughs) Thank you, thank you.', 'ADA', 0, 11);
    await gradioBackend.voice!(ada, second, ctx());
    await wav(second.outPath);
    const kept = fs.statSync(clip);
    assert.deepEqual([kept.ino, kept.mtimeMs, kept.size], [made.ino, made.mtimeMs, made.size], 'the second line did not remake the clip');

    const spoken = await jobs();
    assert.deepEqual(spoken.map((j) => [j.prompt, j.audio_prompt_sha256 ?? null]), [
      [REFERENCE_SENTENCE, null],
      [first.text, sha256(clip)],
      [second.text, sha256(clip)],
    ], 'the reference sentence was spoken once; both lines had the clip as their audio prompt');
  });

  test('another character gets a clip of its own', async () => {
    const ben = line('Over to you.', 'BEN', 1, 12);
    await gradioBackend.voice!({ ...spec, app: server.url }, ben, ctx());
    await wav(ben.outPath);
    const clip = referenceClipPath(cacheDir, { app: server.url, endpoint: '/speak' }, 'BEN');
    assert.equal(fs.readdirSync(cacheDir).length, 2);
    assert.equal((await jobs()).at(-1)?.audio_prompt_sha256, sha256(clip));
    assert.notEqual(sha256(clip), sha256(referenceClipPath(cacheDir, { app: server.url, endpoint: '/speak' }, 'ADA')));
  });

  test('/sfx makes a WAV of the duration asked for', async () => {
    const out = path.join(dir, 'door.wav');
    const sfx: BackendSpec = { kind: 'gradio', app: server.url, params: { text: '$text', duration: '$duration', seed: '$seed', num_inference_steps: 2 } };
    await gradioBackend.sfx!(sfx, { text: 'a door slams in the rain', kind: 'door', durationSec: 1.5, seed: 3, outPath: out }, ctx());
    const p = await wav(out);
    assert.equal(p.audio?.sampleRate, 16000, 'the vocoder\'s rate');
    assert.ok(Math.abs(p.durationSec - 1.5) < 0.01, `duration ${p.durationSec}`);
  });

  test('a voice name our server cannot take is UnknownVoice, before any job runs', async () => {
    const before = (await jobs()).length;
    await assert.rejects(gradioBackend.voice!({ ...spec, app: server.url }, { ...line('Hello.', 'ADA', 0, 11), voice: 'en+f3' }, ctx()), (err: any) => {
      assert.equal(err.type, UNKNOWN_VOICE);
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, /takes no voice name .* ADA's voice "en\+f3" is unknown to it/);
      return true;
    });
    assert.equal((await jobs()).length, before);
  });

  test('a directed episode voiced and scored by the model server: every line by /speak, every effect by /sfx, one clip per character', async () => {
    const t = await startTemporal();
    try {
      const dataDir = path.join(dir, 'episode');
      const w = await t.startWorker({ dataDir, backends: defaultBackends() });
      const show: Show = {
        title: 'Harbour Lights', premise: 'Two keepers of a harbour light argue about the weather every night.',
        setting: 'a stone lighthouse by a rainy harbour at night', style: 'cinematic, cold blue light, film grain',
        // No voice names: our server speaks from each character's reference clip.
        characters: [
          { name: 'Mara', description: 'an old woman in a yellow raincoat with a brass lantern' },
          { name: 'Ode', description: 'a young man in a grey knitted sweater and a red scarf' },
        ],
      };
      const backends = { ...offlineBackends(), interpolate: { kind: 'offline', mode: 'blend' }, voice: { kind: 'gradio', app: server.url }, sfx: { kind: 'gradio', app: server.url } };
      const input: EpisodeInput = { channel: 'msvoice', episode: 1, theme: show.premise, shots: 3, seed: 3, backends, show, storySoFar: [], lengthSec: { min: 20, max: 22 } };
      const m = await t.client.workflow.execute(episodeWorkflow, { taskQueue: w.taskQueue, workflowId: 'msvoice/episode-1', args: [input] });
      await w.stop();
      const d = m.directed!;
      assert.equal(m.degraded, false, JSON.stringify(m.steps.filter((x) => x.degraded)));
      assert.ok(d.voices.length > 0 && d.voices.every((v) => v.backend === 'gradio' && !v.fellBack), JSON.stringify(d.voices));
      const sfx = m.steps.filter((x) => x.step === 'makeSoundEffect');
      assert.equal(sfx.length, d.plan.cues.length);
      assert.ok(sfx.every((x) => x.backend === 'gradio'));
      // One reference clip per speaking character, made once for the show and kept for its next episodes.
      const speakers = new Set(d.voices.map((v) => v.speaker));
      const clips = fs.readdirSync(path.join(dataDir, 'channels', 'msvoice', 'voices'));
      assert.equal(clips.length, speakers.size, `clips ${clips.join(', ')} for ${[...speakers].join(', ')}`);
      assert.ok(fs.existsSync(m.episodePath) && fs.existsSync(m.subtitlesPath!));
    } finally {
      await t.stop();
    }
  });

  test('the server\'s refusal of bad input is named and not retried', async () => {
    const noTranscript: BackendSpec = { kind: 'gradio', app: server.url, params: { text: '$text', seed: '$seed', audio_prompt: '$reference_audio', audio_prompt_transcript: '' } };
    await assert.rejects(gradioBackend.voice!(noTranscript, line('Hello.', 'ADA', 0, 11), ctx()), (err: any) => {
      assert.match(err.message, /Invalid input for \/speak: audio_prompt_transcript is empty: give the words spoken in audio_prompt/);
      assert.equal(err.type, 'GradioBadInput');
      assert.equal(err.nonRetryable, true);
      return true;
    });
  });
});

// An app with named voices (none ships with the product): its voice parameter gets the show's name, its
// audio prompt the reference clip; a name it refuses comes back as UnknownVoice.
const VOICE_APP = `
import os, sys, tempfile, wave
import gradio as gr
VOICES = ("alto", "bass")
out = tempfile.mkdtemp()
def say(text, voice, reference, reference_text, seed):
    if voice not in VOICES:
        raise gr.Error(f"Unknown voice '{voice}'; this app has {', '.join(VOICES)}")
    path = os.path.join(out, f"{voice}-{len(os.listdir(out))}.wav")
    with wave.open(path, "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
        w.writeframes((b"\\x00\\x10" * 8000) if reference else (b"\\x00\\x20" * 8000))
    return path
with gr.Blocks() as demo:
    inputs = [gr.Textbox(), gr.Textbox(), gr.Audio(type="filepath"), gr.Textbox(value=""), gr.Number(value=0)]
    gr.Button().click(say, inputs, gr.Audio(type="filepath"), api_name="say")
demo.queue().launch(server_name="127.0.0.1", server_port=int(sys.argv[1]), allowed_paths=[out])
`;

describe('a Gradio voice app with named voices', () => {
  let dir: string;
  let url: string;
  let proc: ResultPromise | undefined;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-voice-app-'));
    fs.writeFileSync(path.join(dir, 'voice_app.py'), VOICE_APP);
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    let out = '';
    proc = execa(await modelServerPython(), [path.join(dir, 'voice_app.py'), String(port)], { env: baseEnv, reject: false, all: true, buffer: false, cleanup: true });
    proc.all?.on('data', (d: Buffer) => { out += d.toString(); });
    await waitFor(`voice app on ${url}`, async () => {
      if (proc?.exitCode !== null) throw new Error(`voice app exited: ${out.slice(-2000)}`);
      return (await fetch(`${url}config`).catch(() => undefined))?.ok;
    }, 120_000, 200);
  });
  after(async () => {
    if (proc && proc.exitCode === null) { proc.kill('SIGKILL'); await proc; }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const spec = (): BackendSpec => ({ kind: 'gradio', app: url, endpoint: '/say', params: { text: '$text', voice: '$voice', reference: '$reference_audio', reference_text: '$reference_text', seed: '$seed' } });
  const ctx = (): BackendContext => ({ signal: AbortSignal.timeout(120_000), heartbeat() {}, scratchDir: dir });
  const req = (voice: string): VoiceRequest => ({ text: 'Hello.', speaker: 'ADA', character: 0, voice, seed: 4, cacheDir: path.join(dir, 'cache'), outPath: path.join(dir, `${voice}.wav`) });

  test('a voice the app has: passed by name, with a reference clip per voice', async () => {
    await gradioBackend.voice!(spec(), req('alto'), ctx());
    const clip = referenceClipPath(path.join(dir, 'cache'), { app: url, endpoint: '/say' }, 'ADA', 'alto');
    await wav(clip);
    // The app writes 0x1000 samples for a line said with a reference clip, 0x2000 without (the clip itself).
    assert.equal(fs.readFileSync(path.join(dir, 'alto.wav')).subarray(-2).toString('hex'), '0010', 'the line came with the clip');
    assert.equal(fs.readFileSync(clip).subarray(-2).toString('hex'), '0020');
    assert.notEqual(clip, referenceClipPath(path.join(dir, 'cache'), { app: url, endpoint: '/say' }, 'ADA', 'bass'), 'one clip per voice name');
  });

  test('a voice the app refuses is UnknownVoice, not retried', async () => {
    await assert.rejects(gradioBackend.voice!(spec(), req('soprano'), ctx()), (err: any) => {
      assert.equal(err.type, UNKNOWN_VOICE);
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, /does not know ADA's voice "soprano": .*Unknown voice 'soprano'; this app has alto, bass/);
      return true;
    });
  });
});

describe('which app errors mean the voice name is unknown', () => {
  const where = 'voice via Gradio app http://tts:7860/ /say';
  const said = (text: string) => unknownVoice(classifyAppError(text, where), where, { speaker: 'ADA', voice: 'alto' })?.type;
  for (const text of ["Unknown voice 'alto'", 'Voice alto not found', 'Unsupported voice: alto', 'alto is not a valid voice', 'Invalid input: voice must be one of bass, tenor', "The voice 'alto' does not exist"]) {
    test(`"${text}" is UnknownVoice`, () => assert.equal(said(text), UNKNOWN_VOICE));
  }
  for (const text of ['Invalid input for /speak: the line is 302 tokens; the voice model reads at most 256: split the line', 'The model refuses to say that', 'CUDA out of memory', 'Connection errored out.']) {
    test(`"${text}" is not`, () => assert.equal(said(text), undefined));
  }
  test('nor is any refusal when the line named no voice', () =>
    assert.equal(unknownVoice(classifyAppError("Unknown voice 'alto'", where), where, { speaker: 'ADA' }), undefined));
});
