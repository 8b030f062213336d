// The on-air chain over hundreds of playlist joins: the slot way must stay flat (a self-referencing
// playlist leaked one demuxer per loop), and A/V must not drift across joins.
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
import { recordFlv, startTestRtmp, streamIsOn } from './helpers/rtmp';
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
    const fds = (await fs.promises.readdir(`/proc/${pid}/fd`)).length;
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
          if (joins >= 320) done();
        });
      },
    });
    await Promise.race([enoughJoins, supervising.then(() => { throw new Error('ffmpeg ended before 320 joins'); })]);
    await swapping;
    const warm = samples.find((s) => s.joins >= 30)!;
    const last = samples[samples.length - 1];
    assert.ok(last.joins >= 300, `only ${last.joins} joins`);
    assert.ok(swaps >= 30, `only ${swaps} swaps were made`);
    assert.equal(last.fds, warm.fds, `open files went from ${warm.fds} (join ${warm.joins}) to ${last.fds} (join ${last.joins})`);
    const growthKb = last.rssKb - warm.rssKb;
    t.diagnostic(`join ${warm.joins}: ${warm.fds} fds, ${warm.rssKb} kB; join ${last.joins}: ${last.fds} fds, ${last.rssKb} kB; ${swaps} swaps`);
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

test('the beep-flash offset stays within one frame over 100+ joins through the RTMP server', async (t) => {
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
    const rec = await recordFlv(url, file, 60);
    assert.equal(rec.exitCode, 0, `recording failed: ${rec.stderr}`);
    await swapping;

    const { flashes, beeps } = await flashesAndBeeps(file);
    const offsets = flashes.flatMap((f) => {
      const b = beeps.find((x) => Math.abs(x - f) < 0.2);
      return b === undefined ? [] : [b - f];
    });
    assert.ok(offsets.length >= 100, `only ${offsets.length} joins with both a flash and a beep (${flashes.length} flashes, ${beeps.length} beeps)`);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const first = mean(offsets.slice(0, 10));
    const last = mean(offsets.slice(-10));
    t.diagnostic(`A/V offset over ${offsets.length} joins: first ${(first * 1000).toFixed(1)} ms, last ${(last * 1000).toFixed(1)} ms`);
    assert.ok(Math.abs(last - first) <= 0.042, `A/V offset drifted from ${(first * 1000).toFixed(1)} ms to ${(last * 1000).toFixed(1)} ms over ${offsets.length} joins`);
  } finally {
    abort.abort();
    await supervising.catch(() => {});
    await rtmp.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
