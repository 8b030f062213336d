// A directed episode's sound and subtitles, end to end with the real tools: two speakers' lines spoken by
// espeak-ng, three music segments and two effects synthesised by ffmpeg (steady chords and pure tone
// bursts: stand-ins whose levels and onsets can be measured), mixed, then muxed with testsrc clips and
// the subtitles. Everything is measured on what viewers get: episode.mp4 and episode.vtt.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Context } from '@temporalio/activity';
import { mixEpisodeAudio, type MixRequest } from '../src/activities/media/mix';
import { muxEpisodeFiles, type MuxRequest } from '../src/activities/media/mux';
import { probe } from '../src/activities/media/ffmpeg';
import { SUBTITLE_STYLE, assSubtitles, fontFamily, vttTime, type SubtitleLine } from '../src/activities/media/subtitles';
import { fontFileFromEnv } from '../src/config/media';
import { airFormatProblems } from '../src/activities/broadcast/airFormat';
import { MUSIC_CROSSFADE_SEC } from '../src/shared/timeline';
import { BROADCAST, type DirectedManifest, type EpisodeManifest } from '../src/shared/types';
import { integratedLoudness } from './helpers/media';

const run = promisify(execFile);
const RATE = BROADCAST.audioRate;
const TOTAL = 40;

async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args]);
}

/** A file's audio as mono float samples at the broadcast rate, from its first sample. */
async function samplesOf(file: string): Promise<Float32Array> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:a', '-ac', '1', '-ar', String(RATE), '-f', 'f32le', '-'], { encoding: 'buffer', maxBuffer: 1 << 28 });
  const b = Buffer.from(stdout);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
}

/** RMS level (dBFS) of samples [a, b) seconds. */
function levelDb(x: Float32Array, a: number, b: number): number {
  const i0 = Math.round(a * RATE);
  const i1 = Math.min(x.length, Math.round(b * RATE));
  let s = 0;
  for (let i = i0; i < i1; i++) s += x[i] * x[i];
  return 10 * Math.log10(s / Math.max(1, i1 - i0) + 1e-20);
}

/**
 * How much of the output in a line's window is that line: the normalised correlation of the output with
 * the line's own samples (best within ±5 ms), as a level of the line over everything else in the window.
 */
function speechOverRestDb(out: Float32Array, line: Float32Array, start: number): { rho: number; db: number; lagMs: number } {
  const at = Math.round(start * RATE);
  let best = { rho: -1, lag: 0 };
  const ll = line.reduce((s, v) => s + v * v, 0);
  for (let lag = -220; lag <= 220; lag++) {
    let xy = 0;
    let yy = 0;
    for (let i = 0; i < line.length; i++) {
      const y = out[at + lag + i] ?? 0;
      xy += line[i] * y;
      yy += y * y;
    }
    const rho = xy / Math.sqrt(ll * yy + 1e-30);
    if (rho > best.rho) best = { rho, lag };
  }
  return { rho: best.rho, db: 10 * Math.log10(best.rho ** 2 / Math.max(1e-9, 1 - best.rho ** 2)), lagMs: (best.lag / RATE) * 1000 };
}

/** Energy at `hz` (Goertzel) in 5-ms windows every 2.5 ms: [time of the window's middle, power]. */
function toneEnvelope(x: Float32Array, hz: number, from: number, to: number): [number, number][] {
  const win = Math.round(0.005 * RATE);
  const hop = Math.round(0.0025 * RATE);
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / RATE);
  const env: [number, number][] = [];
  for (let i = Math.round(from * RATE); i + win <= Math.min(x.length, Math.round(to * RATE)); i += hop) {
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < win; k++) {
      const s0 = x[i + k] + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    env.push([(i + win / 2) / RATE, s1 * s1 + s2 * s2 - coeff * s1 * s2]);
  }
  return env;
}

/** The first time the tone reaches half (−6 dB) of its steady power, searching from a second before the cue. */
function toneOnset(x: Float32Array, hz: number, cue: number): number {
  const steady = toneEnvelope(x, hz, cue + 0.3, cue + 1.0).map(([, p]) => p).sort((a, b) => a - b);
  const median = steady[Math.floor(steady.length / 2)];
  const hit = toneEnvelope(x, hz, cue - 1, cue + 1).find(([, p]) => p >= median / 2);
  assert.ok(hit, `no ${hz}-Hz tone near ${cue} s`);
  return hit[0];
}

/** One decoded frame of the episode as 8-bit luma, and the mean difference of two in a region. */
async function lumaAt(file: string, sec: number): Promise<Buffer> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-ss', sec.toFixed(3), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { encoding: 'buffer', maxBuffer: 1 << 24 });
  return Buffer.from(stdout);
}
function meanDiff(a: Buffer, b: Buffer, region: { x0: number; x1: number; y0: number; y1: number }): number {
  let s = 0;
  for (let y = region.y0; y < region.y1; y++) for (let x = region.x0; x < region.x1; x++) s += Math.abs(a[y * BROADCAST.width + x] - b[y * BROADCAST.width + x]);
  return s / ((region.x1 - region.x0) * (region.y1 - region.y0));
}
/** Where the bottom-aligned subtitles sit, below testsrc's moving colour bar (the bars there are still). */
const SUBTITLE_BAND = { x0: 100, x1: BROADCAST.width - 100, y0: 508, y1: 572 };

// Shots planned at 10 s each; the second clip is 3 s short (held on its last frame), the third 2 s long.
const SHOTS = [{ planned: 10, made: 10 }, { planned: 10, made: 7 }, { planned: 10, made: 12 }, { planned: 10, made: 10 }];
const SCRIPT = [
  { speaker: 'Alice', voice: 'en+f3', at: 1.0, text: 'Good evening, and welcome to the night shift at the old lighthouse.' },
  { speaker: 'Bob', voice: 'en+m3', at: 10.5, text: 'The lamp has been flickering since the storm began.' },
  { speaker: 'Alice', voice: 'en+f3', at: 21.0, text: 'Rain & wind, <again> {as always}. Fetch the spare bulbs from the cellar, please.' },
  { speaker: 'Bob', voice: 'en+m3', at: 31.0, text: 'I found them, but the cellar door will not open.' },
];
/** Effects: tone bursts well above the music's and the voices' spectra; the second plays over a line. */
const EFFECTS = [{ at: 6.5, seconds: 1.5, hz: 6000 }, { at: 23.0, seconds: 2.0, hz: 8000 }];
/** Music segments, each a steady chord; every file but the last runs a crossfade past its segment's end. */
const MUSIC = [{ start: 0, end: 14, hz: [220, 277] }, { start: 14, end: 27, hz: [262, 330] }, { start: 27, end: 40, hz: [196, 247] }];

describe('the mix and the subtitled mux of a directed episode (espeak-ng voices, synthesised music and effects)', () => {
  // Quotes, spaces and colons in every path: they travel as -i arguments and cwd, never in a filter string.
  let root: string;
  let dir: string;
  let episodeDir: string;
  let lines: (SubtitleLine & { path: string })[];
  let manifest: EpisodeManifest;
  let output: Float32Array;
  let ducked: Float32Array;
  let dry: Float32Array;
  const directed = {
    title: 'The Lighthouse', summary: 'The lamp flickers.', writer: 'offline',
    screenplay: { title: 'The Lighthouse', summary: 'The lamp flickers.', scenes: [], lines: [], cues: [] },
    plan: { shots: [], lines: [], cues: [], music: [], totalSec: TOTAL },
    voices: [],
  } satisfies DirectedManifest;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-mix-'));
    dir = path.join(root, `it's: inputs`);
    episodeDir = path.join(root, `episode 'one': 00001`);
    fs.mkdirSync(dir);
    fs.mkdirSync(episodeDir);
    lines = [];
    for (const [i, l] of SCRIPT.entries()) {
      const file = path.join(dir, `line ${i}: ${l.speaker}'s.wav`);
      await run('espeak-ng', ['-v', l.voice, '-w', file, l.text]);
      const sec = Math.round((await probe(file)).durationSec * 1000) / 1000;
      lines.push({ start: l.at, end: l.at + sec, speaker: l.speaker, text: l.text, path: file });
    }
    for (const [i, m] of MUSIC.entries()) {
      const sec = m.end - m.start + (i < MUSIC.length - 1 ? MUSIC_CROSSFADE_SEC : 0);
      await ffmpeg(['-f', 'lavfi', '-i', `aevalsrc=0.15*sin(2*PI*${m.hz[0]}*t)+0.15*sin(2*PI*${m.hz[1]}*t):s=32000:d=${sec}`, path.join(dir, `music ${i}.wav`)]);
    }
    for (const [i, e] of EFFECTS.entries()) {
      await ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=${e.hz}:sample_rate=48000:duration=${e.seconds},volume=0.4`, path.join(dir, `effect ${i}.wav`)]);
    }
    for (const [i, s] of SHOTS.entries()) {
      await ffmpeg(['-f', 'lavfi', '-i', `testsrc=size=576x320:rate=24:duration=${s.made}`, '-c:v', 'utvideo', '-pix_fmt', 'yuv420p', '-f', 'matroska', path.join(dir, `shot ${i}.mkv`)]);
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const mixRequest = (): MixRequest => ({
    totalSec: TOTAL,
    lines: lines.map(({ start, end, path: p }) => ({ start, end, path: p })),
    cues: EFFECTS.map((e, i) => ({ at: e.at, seconds: e.seconds, path: path.join(dir, `effect ${i}.wav`) })),
    music: MUSIC.map((m, i) => ({ start: m.start, end: m.end, path: path.join(dir, `music ${i}.wav`) })),
  });

  it('mixes to a 44.1-kHz stereo WAV exactly the episode long, and muxes it with subtitles into an episode that airs', async (t) => {
    const signal = new AbortController().signal;
    const mixPath = path.join(episodeDir, 'mix.wav');
    let started = Date.now();
    const mixed = await mixEpisodeAudio(mixRequest(), mixPath, { signal, stems: { music: path.join(dir, 'music ducked.wav') } });
    const mixMs = Date.now() - started;
    // The same music and effects with no one speaking: the music as it is without ducking.
    await mixEpisodeAudio({ ...mixRequest(), lines: [] }, path.join(dir, 'mix without lines.wav'), { signal, stems: { music: path.join(dir, 'music dry.wav') } });
    assert.equal(mixed.samples, TOTAL * RATE);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate,channels,duration_ts', '-of', 'csv=p=0', mixPath]);
    assert.equal(stdout.trim(), `pcm_f32le,${RATE},2,${TOTAL * RATE}`);

    const actx = { info: { attempt: 1 }, heartbeat() {}, cancellationSignal: signal } as unknown as Context;
    const req: MuxRequest = {
      channel: 'test', episode: 1, workflowId: 'mix-test', theme: 'the lighthouse', seed: 1, mood: 'calm',
      shots: SHOTS.map((s, i) => {
        const file = path.join(dir, `shot ${i}.mkv`);
        return { index: i, prompt: `shot ${i}`, seed: i, generated: file, upscaled: file, interpolated: file, durationSec: s.planned };
      }),
      music: { path: mixPath, description: 'the mix' },
      steps: [],
      subtitles: lines.map(({ start, end, speaker, text }) => ({ start, end, speaker, text })),
      directed,
    };
    started = Date.now();
    manifest = await muxEpisodeFiles(episodeDir, req, actx);
    const muxMs = Date.now() - started;
    t.diagnostic(`40-s episode: mix ${mixMs} ms (${lines.length} lines, ${EFFECTS.length} effects, ${MUSIC.length} music segments), mux with subtitles ${muxMs} ms`);

    assert.equal(manifest.durationSec, TOTAL, 'a short clip holds its last frame: the episode keeps its planned length');
    assert.deepEqual(manifest.directed, directed);
    assert.equal(manifest.subtitlesPath, path.join(episodeDir, 'episode.vtt'));
    assert.ok(fs.existsSync(manifest.subtitlesPath));
    assert.deepEqual(fs.readdirSync(episodeDir).filter((f) => f.startsWith('.')), [], 'no scratch files left behind');
    const p = await probe(manifest.episodePath, undefined, { air: true });
    assert.deepEqual(airFormatProblems(p, { expectedSec: TOTAL }), []);

    output = await samplesOf(manifest.episodePath);
    ducked = await samplesOf(path.join(dir, 'music ducked.wav'));
    dry = await samplesOf(path.join(dir, 'music dry.wav'));
  });

  it('normalises the episode to −23 LUFS (±1 LU)', async (t) => {
    const lufs = await integratedLoudness(manifest.episodePath);
    t.diagnostic(`integrated loudness ${lufs} LUFS`);
    assert.ok(Math.abs(lufs + 23) <= 1, `integrated loudness ${lufs} LUFS`);
  });

  it('has every line in its window, at its start, above the music and effects', async (t) => {
    for (const l of lines) {
      const own = await samplesOf(l.path);
      const r = speechOverRestDb(output, own, l.start);
      t.diagnostic(`${l.speaker} at ${l.start} s: correlation ${r.rho.toFixed(3)} at ${r.lagMs.toFixed(1)} ms, ${r.db.toFixed(1)} dB over the rest; level ${levelDb(output, l.start, l.end).toFixed(1)} dBFS against ${levelDb(output, l.end + 1.2, l.end + 2.2).toFixed(1)} after it`);
      assert.ok(Math.abs(r.lagMs) <= 2, `${l.speaker}'s line at ${l.start} s is ${r.lagMs.toFixed(1)} ms off`);
      assert.ok(r.db >= 6, `${l.speaker}'s line at ${l.start} s is only ${r.db.toFixed(1)} dB over the rest`);
    }
  });

  it('ducks the music at least 10 dB under every line, and not away from them', async (t) => {
    for (const l of lines) {
      const depth = levelDb(dry, l.start, l.end) - levelDb(ducked, l.start, l.end);
      const halves = [];
      for (let s = l.start; s + 0.5 <= l.end; s += 0.5) halves.push(levelDb(dry, s, s + 0.5) - levelDb(ducked, s, s + 0.5));
      t.diagnostic(`under ${l.speaker}'s line at ${l.start}–${l.end} s: ${depth.toFixed(1)} dB (per half second ${Math.min(...halves).toFixed(1)}–${Math.max(...halves).toFixed(1)} dB)`);
      assert.ok(depth >= 10, `the music is only ${depth.toFixed(1)} dB lower under the line at ${l.start} s`);
      // Well clear of any line (the release has ended), the music is back at its own level.
      assert.ok(Math.abs(levelDb(dry, l.end + 1.5, l.end + 2.5) - levelDb(ducked, l.end + 1.5, l.end + 2.5)) < 0.5);
    }
    // Crossfades: the music never drops out at a segment change (equal-power fades of uncorrelated chords).
    for (const m of MUSIC.slice(1)) {
      assert.ok(levelDb(dry, m.start, m.start + MUSIC_CROSSFADE_SEC) > levelDb(dry, m.start - 2, m.start - 1) - 3, `a hole at the music change at ${m.start} s`);
    }
  });

  it('starts every effect within 100 ms of its cue', async (t) => {
    for (const e of EFFECTS) {
      const onset = toneOnset(output, e.hz, e.at);
      t.diagnostic(`${e.hz}-Hz effect cued at ${e.at} s starts at ${onset.toFixed(3)} s`);
      assert.ok(Math.abs(onset - e.at) <= 0.1, `the effect cued at ${e.at} s starts at ${onset.toFixed(3)} s`);
    }
  });

  it('writes episode.vtt with every cue at exactly its line\'s times, the speaker as a voice tag, text escaped', () => {
    const vtt = fs.readFileSync(manifest.subtitlesPath!, 'utf8');
    assert.ok(vtt.startsWith('WEBVTT\n\n'));
    const cues = vtt.split('\n\n').slice(1).map((block) => {
      const [, times, ...text] = block.trim().split('\n');
      const [start, end] = times.split(' --> ');
      return { start, end, text: text.join('\n') };
    });
    assert.equal(cues.length, lines.length);
    const secOf = (s: string) => s.split(':').reduce((acc, v) => acc * 60 + Number(v), 0);
    cues.forEach((c, i) => {
      assert.equal(c.start, vttTime(lines[i].start));
      assert.equal(c.end, vttTime(lines[i].end));
      assert.equal(secOf(c.start), lines[i].start);
      assert.ok(Math.abs(secOf(c.end) - lines[i].end) < 1e-9);
      assert.ok(c.text.startsWith(`<v ${lines[i].speaker}>`));
    });
    assert.equal(cues[2].text, '<v Alice>Rain &amp; wind, &lt;again&gt; {as always}. Fetch the spare bulbs from the cellar, please.');
  });

  it('burns each line into the picture while it is spoken, and nothing when no one speaks', async (t) => {
    const file = manifest.episodePath;
    // Per shot (one line each): a frame in the middle of its line, and two in the same shot after it.
    for (const [i, l] of lines.entries()) {
      const shotEnd = SHOTS.slice(0, i + 1).reduce((a, s) => a + s.planned, 0);
      assert.ok(l.end + 0.6 < shotEnd - 0.2, `line ${i} leaves no time without it in its shot`);
      const on = await lumaAt(file, (l.start + l.end) / 2);
      const off = await lumaAt(file, l.end + 0.6);
      const offToo = await lumaAt(file, Math.min(shotEnd - 0.2, l.end + 2.1));
      const shown = meanDiff(on, off, SUBTITLE_BAND);
      const still = meanDiff(off, offToo, SUBTITLE_BAND);
      t.diagnostic(`line ${i}: subtitle band differs by ${shown.toFixed(1)} levels while spoken, ${still.toFixed(2)} between two frames without a line`);
      assert.ok(shown > 8, `no subtitle visible for line ${i} (${shown.toFixed(1)})`);
      assert.ok(still < 1.5, `the subtitle band changes with no line (${still.toFixed(2)})`);
    }
  });

  it('holds a short clip\'s last frame to its planned length', async () => {
    // Shot 1 was made 7 s long and planned 10: 17–20 s is its last frame held (testsrc moves every frame).
    const held = meanDiff(await lumaAt(manifest.episodePath, 17.5), await lumaAt(manifest.episodePath, 19.5), { x0: 0, x1: BROADCAST.width, y0: 0, y1: BROADCAST.height });
    const moving = meanDiff(await lumaAt(manifest.episodePath, 12.5), await lumaAt(manifest.episodePath, 14.5), { x0: 0, x1: BROADCAST.width, y0: 0, y1: BROADCAST.height });
    assert.ok(held < 0.5 && moving > 2, `held ${held.toFixed(2)}, moving ${moving.toFixed(2)}`);
  });
});

describe('the ASS script libass burns in', () => {
  it('names the caption font\'s family, keeps braces and backslash sequences literal, wraps long lines', () => {
    const family = fontFamily(fontFileFromEnv());
    if (fontFileFromEnv().endsWith('DejaVuSans.ttf')) assert.equal(family, 'DejaVu Sans');
    const text = 'Braces {\\i1} stay {literal}, and \\N is no line break in this rather long line of dialogue.';
    const ass = assSubtitles([{ start: 1.234, end: 3.5, speaker: 'Alice, the keeper', text }, { start: 4, end: 5, speaker: 'NARRATOR', text: 'Two\nlines.' }], family);
    assert.match(ass, new RegExp(`^Style: Default,${family},${SUBTITLE_STYLE.fontSize},`, 'm'));
    const [first, second] = ass.split('\n').filter((l) => l.startsWith('Dialogue:'));
    // Times in centiseconds; a comma in a name would shift the fields, so it becomes a space.
    assert.ok(first.startsWith('Dialogue: 0,0:00:01.23,0:00:03.50,Default,Alice the keeper,0,0,0,,'));
    const body = first.split(',,').slice(1).join(',,');
    assert.ok(!/(^|[^\\])[{}]/.test(body), `an unescaped brace: ${body}`);
    assert.ok(body.includes('\\\u2060N'), 'the text\'s own \\N is kept from breaking the line');
    // The only breaks are the wrapping's.
    const shown = body.split('\\N');
    assert.ok(shown.length === 3 && shown.every((l) => l.length <= SUBTITLE_STYLE.maxChars), `wrapped as ${JSON.stringify(shown)}`);
    assert.ok(second.endsWith(',Narrator,NARRATOR,0,0,0,,Two\\Nlines.'));
  });
});
