// The on-air chain over hundreds of playlist joins: the slot way must stay flat (a self-referencing
// playlist leaked one demuxer per loop), A/V must not drift across joins, and under stream copy the
// joins' timestamps reach players as they are, so they must never go backwards or skip a frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { airPaths, installSlot, playlistPath, writePlaylists, type AirPaths } from '../src/activities/broadcast/playlist';
import { onAirArgs, type BroadcastSettings } from '../src/activities/broadcast/onAirArgs';
import { superviseFfmpeg } from '../src/activities/broadcast/onAir';
import { publishUrl } from '../src/activities/broadcast/streamUrl';
import { makeClip } from './helpers/clips';
import { dtsSteps, recordFlv, startTestRtmp, streamIsOn } from './helpers/rtmp';
import { waitFor } from './helpers/temporal';

const CLIP_SEC = 0.5;

async function airFolder(dir: string, clips: string[]): Promise<AirPaths> {
  const air = airPaths(dir, 'joins');
  fs.mkdirSync(air.dir, { recursive: true });
  await writePlaylists(air);
  for (const [i] of air.slots.entries()) await installSlot(air, i, clips[i % clips.length]);
  return air;
}

interface Sample { joins: number; fds: number; rssKb: number }

async function sampleProcess(pid: number, joins: number): Promise<Sample | null> {
  try {
    // The count most reads see, of ten ~20 ms apart in all: under stream copy the concat demuxer joins
    // hundreds of times a second, and a read inside a join sees one file more (the next one opened beside
    // the last) or one less (the last closed, the next not yet open). A leaked fd is in every read.
    const seen = new Map<number, number>();
    for (let i = 0; i < 10; i++) {
      const n = (await fs.promises.readdir(`/proc/${pid}/fd`)).length;
      seen.set(n, (seen.get(n) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 2));
    }
    const fds = [...seen].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
    const status = await fs.promises.readFile(`/proc/${pid}/status`, 'utf8');
    return { joins, fds, rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)![1]) };
  } catch {
    return null;
  }
}

test('open files and memory of the on-air ffmpeg stay flat over 300+ joins with swaps (no -re, local sink)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-flat-'));
  const abort = new AbortController();
  let supervising: Promise<unknown> = Promise.resolve();
  try {
    const clips = await Promise.all(['red', 'green', 'blue'].map((c) => makeClip(path.join(dir, `${c}.mp4`), { durationSec: CLIP_SEC, color: c })));
    const air = await airFolder(dir, clips);
    const settings: BroadcastSettings = { rtmpBase: 'rtmp://unused/live', realtime: false, outputOverride: ['-y', '-f', 'flv', '/dev/null'] };
    const samples: Sample[] = [];
    let swaps = 0;
    let swapping = Promise.resolve();
    let done!: () => void;
    const enoughJoins = new Promise<void>((r) => { done = r; });
    supervising = superviseFfmpeg({
      air,
      args: onAirArgs({ playlist: playlistPath(air, 0), channel: 'joins', mainUrl: '', settings }),
      signal: abort.signal,
      pollMs: 20,
      onSlotOpened(slot) {
        swapping = swapping.then(async () => {
          await installSlot(air, (slot + 1) % air.slots.length, clips[swaps % clips.length]);
          swaps++;
        });
      },
      onTick({ pid, progress }) {
        const joins = Math.floor(progress.outSec / CLIP_SEC);
        void sampleProcess(pid, joins).then((s) => {
          if (s) samples.push(s);
          // A sample a second: under stream copy 300 joins pass in one, so run on until there are enough.
          if (joins >= 320 && samples.filter((x) => x.joins >= 30).length >= 8) done();
        });
      },
    });
    await Promise.race([enoughJoins, supervising.then(() => { throw new Error('ffmpeg ended before 320 joins'); })]);
    await swapping;
    const warm = samples.find((s) => s.joins >= 30)!;
    const last = samples[samples.length - 1];
    assert.ok(last.joins >= 300, `only ${last.joins} joins`);
    assert.ok(swaps >= 30, `only ${swaps} swaps were made`);
    // A sample can still land on a join (sampleProcess); a leak never gives the fd back: the fewest open
    // files in the later half must not exceed the earlier half's.
    const settled = samples.filter((s) => s.joins >= warm.joins);
    const half = Math.floor(settled.length / 2);
    const fewest = (xs: Sample[]) => Math.min(...xs.map((s) => s.fds));
    const [early, late] = [fewest(settled.slice(0, half)), fewest(settled.slice(half))];
    assert.ok(late <= early, `open files went from ${early} (joins ${warm.joins}–${settled[half].joins}) to ${late} (joins ${settled[half].joins}–${last.joins}): ${settled.map((s) => s.fds).join(' ')}`);
    const growthKb = last.rssKb - warm.rssKb;
    t.diagnostic(`join ${warm.joins}: ${warm.fds} fds, ${warm.rssKb} kB; join ${last.joins}: ${last.fds} fds, ${last.rssKb} kB; ${swaps} swaps; fds per second: ${settled.map((s) => s.fds).join(' ')}`);
    assert.ok(growthKb < 6 * 1024, `memory grew ${growthKb} kB from join ${warm.joins} to join ${last.joins}`);
  } finally {
    abort.abort();
    await supervising.catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Flash onsets (video) and beep onsets (audio) in a recording, in seconds. */
async function flashesAndBeeps(file: string): Promise<{ flashes: number[]; beeps: number[] }> {
  const v = await execa('ffmpeg', ['-hide_banner', '-i', file, '-an', '-vf', 'signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-', '-f', 'null', '-']);
  const flashes: number[] = [];
  let t = 0;
  let prev = 0;
  for (const line of v.stdout.split('\n')) {
    const m = /pts_time:([\d.]+)/.exec(line);
    if (m) t = Number(m[1]);
    const y = /YAVG=([\d.]+)/.exec(line);
    if (y) {
      const level = Number(y[1]);
      if (level > 100 && prev < 50) flashes.push(t);
      prev = level;
    }
  }
  const a = await execa('ffmpeg', ['-hide_banner', '-i', file, '-vn', '-af', 'silencedetect=n=-30dB:d=0.2', '-f', 'null', '-']);
  const beeps = [...a.stderr.matchAll(/silence_end: ([\d.]+)/g)].map((m) => Number(m[1]));
  return { flashes, beeps };
}

test('stream copy through the RTMP server over 300+ joins: the beep-flash offset stays within one frame and players see monotonic timestamps', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-avsync-'));
  const abort = new AbortController();
  const rtmp = await startTestRtmp(dir);
  let supervising: Promise<unknown> = Promise.resolve();
  try {
    const clips = await Promise.all([0, 1].map((i) => makeClip(path.join(dir, `flash-${i}.mp4`), { durationSec: CLIP_SEC, color: 'black', flashAndBeep: true })));
    const air = await airFolder(dir, clips);
    const settings: BroadcastSettings = { rtmpBase: rtmp.rtmpBase, publishSecret: rtmp.secret, realtime: false };
    let swaps = 0;
    let swapping = Promise.resolve();
    supervising = superviseFfmpeg({
      air,
      args: onAirArgs({ playlist: playlistPath(air, 0), channel: 'avsync', mainUrl: publishUrl(rtmp.rtmpBase, 'avsync', rtmp.secret), settings }),
      signal: abort.signal,
      pollMs: 20,
      onSlotOpened(slot) {
        swapping = swapping.then(async () => {
          await installSlot(air, (slot + 1) % air.slots.length, clips[swaps++ % clips.length]);
        });
      },
    });
    const url = rtmp.flvUrl('avsync', '127.0.0.1');
    await waitFor('the test channel to be on air', () => streamIsOn(url, 3), 30_000, 300);
    const file = path.join(dir, 'avsync.flv');
    const rec = await recordFlv(url, file, 160);
    assert.equal(rec.exitCode, 0, `recording failed: ${rec.stderr}`);
    await swapping;

    const { flashes, beeps } = await flashesAndBeeps(file);
    // The recording's cut at -t can fall inside the last join's beep (its "beep" is the end of file): leave it out.
    const offsets = flashes.slice(0, -1).flatMap((f) => {
      const b = beeps.find((x) => Math.abs(x - f) < 0.2);
      return b === undefined ? [] : [b - f];
    });
    assert.ok(offsets.length >= 300, `only ${offsets.length} joins with both a flash and a beep (${flashes.length} flashes, ${beeps.length} beeps)`);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const first = mean(offsets.slice(0, 10));
    const last = mean(offsets.slice(-10));
    const ms = (x: number) => `${(x * 1000).toFixed(1)} ms`;
    t.diagnostic(`A/V offset over ${offsets.length} joins: first ${ms(first)}, last ${ms(last)}, range ${ms(Math.min(...offsets))}…${ms(Math.max(...offsets))}`);
    assert.ok(Math.abs(last - first) <= 0.042, `A/V offset drifted from ${ms(first)} to ${ms(last)} over ${offsets.length} joins`);
    const worst = offsets.reduce((w, o) => (Math.abs(o) > Math.abs(w) ? o : w), 0);
    assert.ok(Math.abs(worst) <= 0.042, `A/V offset reached ${ms(worst)} at a join (bound: one frame, 42 ms)`);

    // What players are fed, in order: no timestamp ever goes backwards; video has no step at any join
    // (41–42 ms at FLV's millisecond resolution); audio only gaps by less than one AAC frame.
    const steps = await dtsSteps(file);
    const aacFrame = 1024 / 44100;
    t.diagnostic(`timestamp steps: video ${ms(Math.min(...steps.video))}…${ms(Math.max(...steps.video))} over ${steps.video.length}; audio ${ms(Math.min(...steps.audio))}…${ms(Math.max(...steps.audio))} over ${steps.audio.length}`);
    assert.ok(Math.min(...steps.video) > 0 && Math.min(...steps.audio) > 0, 'a timestamp went backwards');
    assert.ok(Math.min(...steps.video) >= 0.040 && Math.max(...steps.video) <= 0.043, `a video timestamp step left 41–42 ms: ${ms(Math.min(...steps.video))}…${ms(Math.max(...steps.video))}`);
    assert.ok(Math.max(...steps.audio) <= 2 * aacFrame + 0.001, `an audio gap of ${ms(Math.max(...steps.audio) - aacFrame)} (bound: under one AAC frame)`);
  } finally {
    abort.abort();
    await supervising.catch(() => {});
    await rtmp.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
