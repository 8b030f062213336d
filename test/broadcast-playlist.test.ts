// The slot playlist: paths with quotes and spaces are escaped so ffmpeg reads them literally, a line
// break is refused, slot swaps keep one inode per slot, and old episodes rotate off disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { airPaths, ensureSlot, escapeFfconcatPath, ffconcatText, installSlot, writePlaylists } from '../src/activities/broadcast/playlist';
import { removeOldEpisodes } from '../src/activities/broadcast/retention';
import { h264ParameterSets } from '../src/activities/broadcast/airFormat';
import { ensureStandbyClip } from '../src/activities/broadcast/standby';
import { makeClip } from './helpers/clips';

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

test('a quote is escaped the way ffmpeg reads it, and a line break is refused with a clear message', () => {
  assert.equal(escapeFfconcatPath("/data/it's here/a b.mp4"), `'/data/it'\\''s here/a b.mp4'`);
  assert.throws(() => escapeFfconcatPath('/data/two\nlines.mp4'), /line break.*rename/);
});

test("ffmpeg plays a playlist whose folders and names hold quotes, spaces and directive-like text", async () => {
  const dir = tmp("webtv playlist 'q' ");
  try {
    const a = path.join(dir, "episode 1's folder", 'episode.mp4');
    const b = path.join(dir, "ep 2", "x' duration '0.5.mp4");
    for (const f of [a, b]) fs.mkdirSync(path.dirname(f), { recursive: true });
    await makeClip(a, { durationSec: 1, color: 'red' });
    await makeClip(b, { durationSec: 1, color: 'blue' });
    const playlist = path.join(dir, "it's.ffconcat");
    fs.writeFileSync(playlist, ffconcatText([a, b]));
    const r = await execa('ffmpeg', ['-hide_banner', '-f', 'concat', '-safe', '0', '-i', playlist, '-map', '0:v', '-f', 'null', '-'], { reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
    const frames = Number([...r.stderr.matchAll(/frame=\s*(\d+)/g)].pop()?.[1]);
    assert.equal(frames, 48, 'both clips played in full (the quoted "duration" text is part of a name, not a directive)');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('slots get the episode by hard link, a copy when another slot has the same file, and are never shared', async () => {
  const dir = tmp('webtv-slots-');
  try {
    const air = airPaths(dir, 'slots');
    fs.mkdirSync(air.dir, { recursive: true });
    await writePlaylists(air);
    assert.equal(fs.readFileSync(path.join(air.dir, 'from-slot-1.ffconcat'), 'utf8'), "ffconcat version 1.0\nfile 'slot-1.mp4'\nfile 'slot-0.mp4'\n");
    const ep = await makeClip(path.join(dir, 'ep.mp4'), { durationSec: 1, color: 'green' });
    const i0 = await ensureSlot(air, 0, ep);
    const i1 = await ensureSlot(air, 1, ep);
    assert.notEqual(i0, i1, 'each slot has its own inode');
    assert.equal(await ensureSlot(air, 0, ep), i0, 'an existing slot is left alone');
    const linked = await installSlot(air, 0, ep);
    assert.equal(linked, fs.statSync(ep).ino, 'installed by hard link');
    const copied = await installSlot(air, 1, ep);
    assert.notEqual(copied, linked, 'the same episode in the other slot is a copy');
    assert.equal(await installSlot(air, 0, ep), linked, 'installing the same link again is a no-op');
    assert.notEqual(await installSlot(air, 1, ep), linked, 'a repeated copy still gets its own inode');
    assert.deepEqual(fs.readdirSync(air.dir).filter((f) => f.includes('.tmp')), [], 'no temporary files left');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('retention keeps the newest episodes and the protected ones', async () => {
  const dir = tmp('webtv-retention-');
  try {
    for (let n = 1; n <= 6; n++) fs.mkdirSync(path.join(dir, 'channels', 'r', 'episodes', String(n).padStart(5, '0')), { recursive: true });
    const removed = await removeOldEpisodes(dir, { channel: 'r', keepLatest: 2, protect: [2] });
    assert.deepEqual(removed, [1, 3, 4]);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'channels', 'r', 'episodes')).sort(), ['00002', '00005', '00006']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the standby and episodes share one set of H.264 parameter sets; a file encoded otherwise is told apart', async () => {
  const dir = tmp('webtv-paramsets-');
  try {
    const air = airPaths(dir, 'p');
    fs.mkdirSync(air.dir, { recursive: true });
    await ensureStandbyClip(air.standby);
    const episodeLike = await makeClip(path.join(dir, 'ep.mp4'), { durationSec: 1, color: 'red' });
    const other = await makeClip(path.join(dir, 'other.mp4'), { durationSec: 1, color: 'red', encoder: ['-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-r', '24'] });
    const standby = await h264ParameterSets(air.standby);
    assert.match(standby, /^01[0-9a-f]{20,}/, 'an avcC record');
    assert.equal(await h264ParameterSets(episodeLike), standby);
    assert.notEqual(await h264ParameterSets(other), standby);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
