// The offline voices (espeak-ng) and sound effects (ffmpeg), run for real: what they write is measured —
// its format, its length, its energy, the speakers' fundamental frequency — not mocked.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { ApplicationFailure } from '@temporalio/common';
import { offlineBackend } from '../src/activities/backends/offline/index';
import { UNKNOWN_VOICE, type BackendContext, type VoiceRequest } from '../src/activities/backends/backends';
import { probe, type ProbeResult } from '../src/activities/media/ffmpeg';
import { SFX_KINDS } from '../src/shared/show';
import { preflight } from '../src/preflight/index';
import { waitFor } from './helpers/wait';

let dir: string;
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-sound-')); });
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const offline = { kind: 'offline' };
const ctx = (signal = new AbortController().signal): BackendContext => ({ signal, heartbeat() {}, scratchDir: fs.mkdtempSync(path.join(dir, 'scratch-')) });
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const LINE = 'The quick brown fox jumps over the lazy dog, and then it runs away into the night.';

/** The left channel as float samples at `rate`. */
async function samples(file: string, rate: number): Promise<Float32Array> {
  const r = await execa('ffmpeg', ['-v', 'error', '-i', file, '-af', 'pan=mono|c0=c0', '-ar', String(rate), '-f', 'f32le', '-'], { encoding: 'buffer', maxBuffer: 1 << 28 });
  const b = Buffer.from(r.stdout);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
}

/** RMS level of samples [from, to) in dBFS. */
function dbfs(x: Float32Array, from = 0, to = x.length): number {
  let e = 0;
  for (let i = from; i < to; i++) e += x[i] * x[i];
  return 10 * Math.log10(e / Math.max(1, to - from) + 1e-20);
}

/**
 * The median fundamental (Hz) of the voiced 40-ms frames: the lag of the highest normalised
 * autocorrelation between 60 and 500 Hz, for frames loud enough and periodic enough (r > 0.6).
 */
function medianF0(x: Float32Array, rate: number): { hz: number; voicedFrames: number } {
  const win = Math.round(rate * 0.04);
  const minLag = Math.floor(rate / 500);
  const maxLag = Math.ceil(rate / 60);
  const found: number[] = [];
  for (let s = 0; s + win + maxLag < x.length; s += Math.round(rate * 0.01)) {
    let e = 0;
    for (let i = 0; i < win; i++) e += x[s + i] * x[s + i];
    if (Math.sqrt(e / win) < 0.02) continue;
    let best = 0;
    let bestLag = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let c = 0;
      let e2 = 0;
      for (let i = 0; i < win; i++) {
        c += x[s + i] * x[s + i + lag];
        e2 += x[s + i + lag] * x[s + i + lag];
      }
      const r = c / Math.sqrt(e * e2 + 1e-12);
      if (r > best) {
        best = r;
        bestLag = lag;
      }
    }
    if (best > 0.6) found.push(rate / bestLag);
  }
  found.sort((a, b) => a - b);
  return { hz: found[Math.floor(found.length / 2)] ?? 0, voicedFrames: found.length };
}

interface Spoken { file: string; written: ProbeResult | void; probed: ProbeResult; level: number; f0: number; voicedFrames: number }

async function speak(req: Partial<VoiceRequest> & { character: number }, name: string, c = ctx()): Promise<Spoken> {
  const file = path.join(dir, `${name}.wav`);
  const written = await offlineBackend.voice!(offline, { text: LINE, speaker: name, seed: 1, outPath: file, cacheDir: dir, ...req }, c);
  const x = await samples(file, 16_000);
  const { hz, voicedFrames } = medianF0(x, 16_000);
  return { file, written, probed: await probe(file), level: dbfs(x), f0: hz, voicedFrames };
}

describe('offline voice (espeak-ng, not a model)', () => {
  const voices = new Map<number, Promise<Spoken>>();
  const voiceOf = (character: number) => {
    if (!voices.has(character)) voices.set(character, speak({ character }, `character-${character}`));
    return voices.get(character)!;
  };

  it('speaks the narrator and three characters as 44.1-kHz stereo WAV with speech in it, each at its own pitch', async () => {
    const all = [];
    for (const character of [-1, 0, 1, 2]) {
      const v = await voiceOf(character);
      assert.equal(v.probed.audio?.codec, 'pcm_s16le');
      assert.equal(v.probed.audio?.sampleRate, 44100);
      assert.equal(v.probed.audio?.channels, 2);
      assert.ok(v.probed.durationSec > 3 && v.probed.durationSec < 8, `a 16-word line lasts seconds: ${v.probed.durationSec}`);
      assert.ok(v.written && Math.abs(v.written.durationSec - v.probed.durationSec) < 0.001, 'what the backend says it wrote is what ffprobe reads');
      assert.ok(v.level > -30, `speech, not silence: ${v.level.toFixed(1)} dBFS`);
      assert.ok(v.voicedFrames > 100, `voiced frames: ${v.voicedFrames}`);
      all.push({ character, f0: v.f0, sec: v.probed.durationSec, dbfs: v.level });
    }
    console.log('voices measured:', JSON.stringify(all.map((a) => ({ ...a, f0: +a.f0.toFixed(1), sec: +a.sec.toFixed(3), dbfs: +a.dbfs.toFixed(1) }))));
    for (const a of all) {
      for (const b of all) {
        if (a === b) continue;
        assert.ok(Math.max(a.f0, b.f0) / Math.min(a.f0, b.f0) > 1.12, `characters ${a.character} and ${b.character} are pitched apart: ${a.f0.toFixed(0)} vs ${b.f0.toFixed(0)} Hz`);
      }
    }
  });

  it('gives two characters measurably different voices: an octave apart in pitch, and a different pace for the same line, each the same every time', async () => {
    const [high, low] = [await voiceOf(1), await voiceOf(2)];
    // Character 1 is a female variant near 200 Hz, character 2 a deep male one near 75 Hz.
    assert.ok(high.f0 / low.f0 > 2, `F0 ${high.f0.toFixed(1)} vs ${low.f0.toFixed(1)} Hz`);
    // Character 2 speaks at 145 words a minute, character 1 at 170: the same line takes longer.
    assert.ok(low.probed.durationSec / high.probed.durationSec > 1.1, `${low.probed.durationSec} vs ${high.probed.durationSec} s`);
    // And a character's line is the same bytes every time (a retried step writes what the first wrote).
    assert.equal(sha((await speak({ character: 1 }, 'character-1-again')).file), sha(high.file));
  });

  it("speaks in the show's voice when it names one: a female variant raises a deep character's pitch (two such characters still apart), a language changes the words' sounds", async () => {
    const deep = await voiceOf(2);
    // en-gb: espeak-ng 1.51 drops the variant from this name without a word (voice.ts passes the file).
    const female = await speak({ character: 2, voice: 'en-gb+f3' }, 'character-2-f3');
    assert.ok(female.f0 / deep.f0 > 1.5, `en-gb+f3 ${female.f0.toFixed(1)} Hz vs the default ${deep.f0.toFixed(1)} Hz`);
    // Two characters the show gives the same voice are still pitched apart.
    const other = await speak({ character: 3, voice: 'en-gb+f3' }, 'character-3-f3');
    assert.ok(other.f0 / female.f0 > 1.1, `en-gb+f3: character 3 at ${other.f0.toFixed(1)} Hz, character 2 at ${female.f0.toFixed(1)} Hz`);
    console.log(`show voices measured: en-gb+f3 character 2 ${female.f0.toFixed(1)} Hz, character 3 ${other.f0.toFixed(1)} Hz; default character 2 ${deep.f0.toFixed(1)} Hz`);
    const german = await speak({ character: 2, voice: 'de' }, 'character-2-de');
    assert.ok(german.level > -30);
    assert.notEqual(sha(german.file), sha(deep.file));
  });

  it('refuses a voice it does not have with a non-retryable UnknownVoice naming it and some it has, and writes nothing', async () => {
    for (const [voice, why] of [['klingon', /no voice "klingon"/], ['en+zz', /no variant "\+zz"/]] as const) {
      const out = path.join(dir, `unknown-${voice}.wav`);
      await assert.rejects(
        offlineBackend.voice!(offline, { text: LINE, speaker: 'x', character: 0, voice, seed: 1, outPath: out, cacheDir: dir }, ctx()),
        (err: unknown) => {
          assert.ok(err instanceof ApplicationFailure);
          assert.equal(err.type, UNKNOWN_VOICE);
          assert.equal(err.nonRetryable, true);
          assert.match(err.message, new RegExp(`^unknown voice "${voice.replace('+', '\\+')}": espeak-ng`));
          assert.match(err.message, why);
          assert.match(err.message, /en-us/);
          assert.doesNotMatch(err.message, /\n/, 'one line');
          return true;
        },
      );
      assert.equal(fs.existsSync(out), false);
    }
  });

  it('speaks text that starts with a dash, with quotes, newlines and non-Latin letters, as words and never as options', async () => {
    const hijack = path.join(dir, 'hijack.wav');
    const text = `-w ${hijack} --stdout -v de\n"Quoted," it's 'single' and \`back\`; $(rm -rf x) && echo\nünïcødé café 日本 — done.`;
    const v = await speak({ character: 0, text }, 'odd-text');
    assert.equal(fs.existsSync(hijack), false, 'the text was not read as espeak-ng options');
    assert.ok(v.level > -30, `spoken: ${v.level.toFixed(1)} dBFS`);
    assert.ok(v.probed.durationSec > 5, `all of it was spoken: ${v.probed.durationSec} s`);
  });

  it('stops espeak-ng when the activity is cancelled, leaving no process and no output', async () => {
    const c = new AbortController();
    const cx = ctx(c.signal);
    const out = path.join(dir, 'cancelled.wav');
    const long = Array.from({ length: 3000 }, () => LINE).join(' ');
    const started = Date.now();
    const run = offlineBackend.voice!(offline, { text: long, speaker: 'x', character: 0, seed: 1, outPath: out, cacheDir: dir }, cx);
    run.catch(() => {});
    const pid = await waitFor('espeak-ng to start', () => espeakIn(cx.scratchDir), 10_000, 20);
    c.abort();
    await assert.rejects(run, /cancelled/);
    await waitFor(`espeak-ng ${pid} to end`, () => !fs.existsSync(`/proc/${pid}`) || /^Z/m.test(procState(pid)), 5_000, 20);
    console.log(`voice cancelled: espeak-ng ${pid} gone ${Date.now() - started} ms after the start`);
    assert.equal(fs.existsSync(out), false);
  });
});

/** The pid of an espeak-ng reading from `scratchDir`, if one runs. */
function espeakIn(scratchDir: string): number | undefined {
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (path.basename(argv[0]) === 'espeak-ng' && argv.some((a) => a.startsWith(scratchDir))) return Number(p);
    } catch {
      // It ended while we looked.
    }
  }
  return undefined;
}

function procState(pid: number): string {
  try {
    return /^State:\s+(.*)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

describe('offline sound effects (ffmpeg synthesis, not a model)', () => {
  const SEC = 2.37;
  const RATE = 44100;

  it('make every kind as 44.1-kHz stereo WAV of exactly durationSec, sounding from its first 100 ms', async () => {
    const measured = [];
    for (const kind of SFX_KINDS) {
      const file = path.join(dir, `sfx-${kind}.wav`);
      const written = await offlineBackend.sfx!(offline, { text: `a ${kind} sound`, kind, durationSec: SEC, seed: 5, outPath: file }, ctx());
      const p = await probe(file);
      assert.equal(p.audio?.codec, 'pcm_s16le', kind);
      assert.equal(p.audio?.sampleRate, RATE, kind);
      assert.equal(p.audio?.channels, 2, kind);
      assert.ok(Math.abs(p.durationSec - SEC) <= 0.025, `${kind} lasts ${p.durationSec} s`);
      assert.ok(written && Math.abs(written.durationSec - p.durationSec) < 0.001, `${kind}: what the backend says it wrote is what ffprobe reads`);
      const x = await samples(file, RATE);
      const win = RATE / 10;
      let loudest = -Infinity;
      for (let s = 0; s + win <= x.length; s += win) loudest = Math.max(loudest, dbfs(x, s, s + win));
      const first30ms = dbfs(x, 0, Math.round(RATE * 0.03));
      const first100ms = dbfs(x, 0, win);
      // The onset is at the cue: sound in the first 30 ms, and the first 100 ms within 20 dB of the loudest.
      assert.ok(first30ms > -45, `${kind}: ${first30ms.toFixed(1)} dBFS in the first 30 ms`);
      assert.ok(first100ms > -40 && first100ms > loudest - 20, `${kind}: ${first100ms.toFixed(1)} dBFS in the first 100 ms, loudest 100 ms ${loudest.toFixed(1)}`);
      measured.push({ kind, sec: p.durationSec, first30ms: +first30ms.toFixed(1), first100ms: +first100ms.toFixed(1), loudest100ms: +loudest.toFixed(1), all: +dbfs(x).toFixed(1) });
    }
    console.log('sfx measured:', JSON.stringify(measured));
  });

  it('make the same bytes for the same seed, and other bytes for another seed', async () => {
    for (const kind of SFX_KINDS) {
      const [a, b, c] = ['a', 'b', 'c'].map((n) => path.join(dir, `seed-${kind}-${n}.wav`));
      await offlineBackend.sfx!(offline, { text: 'rain on a tin roof', kind, durationSec: 1.5, seed: 11, outPath: a }, ctx());
      await offlineBackend.sfx!(offline, { text: 'rain on a tin roof', kind, durationSec: 1.5, seed: 11, outPath: b }, ctx());
      await offlineBackend.sfx!(offline, { text: 'rain on a tin roof', kind, durationSec: 1.5, seed: 12, outPath: c }, ctx());
      assert.equal(sha(a), sha(b), `${kind}: same seed, same bytes`);
      assert.notEqual(sha(a), sha(c), `${kind}: another seed, another sound`);
    }
  });
});

describe('preflight', () => {
  it('names the espeak-ng package when espeak-ng is missing, and nothing else on a machine with ffmpeg', async () => {
    const bin = path.join(dir, 'bin-no-espeak');
    fs.mkdirSync(bin);
    for (const tool of ['ffmpeg', 'ffprobe']) {
      const found = (process.env.PATH ?? '').split(':').map((d) => path.join(d, tool)).find((f) => fs.existsSync(f));
      assert.ok(found, `${tool} on PATH`);
      fs.symlinkSync(found, path.join(bin, tool));
    }
    const saved = process.env.PATH;
    process.env.PATH = bin;
    try {
      const problems = await preflight({ media: true });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0], /^espeak-ng is not installed \(not found on PATH\): .*apt-get install espeak-ng/);
    } finally {
      process.env.PATH = saved;
    }
  });
});
