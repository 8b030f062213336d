// The on-air chain through the real RTMP server for 32 s while the slot files are swapped under the
// running ffmpeg: the stream never stalls, audio is there throughout, and each new episode appears. The
// data directory and episode folders hold quotes and spaces, so the playlist and paths are exercised too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { airPaths, installSlot, playlistPath, writePlaylists } from '../src/activities/broadcast/playlist';
import { ensureStandbyClip } from '../src/activities/broadcast/standby';
import { onAirArgs } from '../src/activities/broadcast/onAirArgs';
import { superviseFfmpeg } from '../src/activities/broadcast/onAir';
import { publishUrl } from '../src/activities/broadcast/streamUrl';
import { makeClip } from './helpers/clips';
import { colourTimeline, largestGap, packetTimes, recordFlv, startTestRtmp, streamIsOn } from './helpers/rtmp';
import { waitFor } from './helpers/temporal';

test('the stream stays continuous and shows each new episode across live slot swaps', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-continuity-'));
  const dataDir = path.join(dir, "data dir's 'quoted'");
  const abort = new AbortController();
  const rtmp = await startTestRtmp(dir);
  let supervising: Promise<unknown> = Promise.resolve();
  try {
    const clips = await Promise.all((['red', 'green', 'blue'] as const).map(async (color, i) => {
      const folder = path.join(dataDir, `episode ${i + 1}'s folder`);
      fs.mkdirSync(folder, { recursive: true });
      return makeClip(path.join(folder, 'episode.mp4'), { durationSec: 3, color, toneHz: 300 + 200 * i });
    }));
    const air = airPaths(dataDir, 'cont');
    fs.mkdirSync(air.dir, { recursive: true });
    await ensureStandbyClip(air.standby);
    await writePlaylists(air);
    for (const [i] of air.slots.entries()) await installSlot(air, i, air.standby);

    let nextClip = 0;
    let swaps = 0;
    let swapping = Promise.resolve();
    const settings = { rtmpBase: rtmp.rtmpBase, publishSecret: rtmp.secret };
    supervising = superviseFfmpeg({
      air,
      args: onAirArgs({ playlist: playlistPath(air, 0), channel: 'cont', mainUrl: publishUrl(rtmp.rtmpBase, 'cont', rtmp.secret), settings }),
      signal: abort.signal,
      onSlotOpened(slot) {
        const source = clips[nextClip++ % clips.length];
        swapping = swapping.then(async () => {
          await installSlot(air, (slot + 1) % air.slots.length, source);
          swaps++;
        });
      },
    });
    const url = rtmp.flvUrl('cont', '127.0.0.1');
    // Publishing without a signed URL is refused by the RTMP server.
    const intruder = await execa('ffmpeg', ['-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=24', '-t', '3', '-c:v', 'libx264', '-f', 'flv', `${rtmp.rtmpBase}/intruder`], { reject: false });
    assert.notEqual(intruder.exitCode, 0, 'an unsigned publish must fail');
    assert.equal(await streamIsOn(rtmp.flvUrl('intruder', '127.0.0.1'), 2), false, 'nothing plays from an unsigned publish');
    await waitFor('the channel to be on air', () => streamIsOn(url, 3), 30_000, 500);
    const file = path.join(dir, 'recorded.flv');
    const rec = await recordFlv(url, file, 32);
    assert.equal(rec.exitCode, 0, `recording failed: ${rec.stderr}`);
    await swapping;

    const { video, audio } = await packetTimes(file);
    const span = video[video.length - 1] - video[0];
    assert.ok(span >= 31, `recorded ${span.toFixed(1)} s of video, expected ≥ 31 s`);
    assert.ok(largestGap(video) <= 0.5, `video stalled: largest gap between frames ${largestGap(video).toFixed(3)} s`);
    assert.ok(audio.length > 0 && largestGap(audio) <= 0.5, `audio gap ${largestGap(audio).toFixed(3)} s`);
    assert.ok(audio[0] - video[0] < 0.5 && video[video.length - 1] - audio[audio.length - 1] < 0.5, 'audio must cover the whole recording');
    assert.ok(swaps >= 2, `only ${swaps} swaps happened`);
    // Runs of one colour, in order: every new episode appears after its swap.
    const runs = (await colourTimeline(file)).filter((c) => c !== '?').join('').replace(/(.)\1+/g, '$1');
    assert.match(runs, /rgbrgb/, `colour sequence on air was "${runs}"`);
  } finally {
    abort.abort();
    const run = await supervising.catch(() => null) as { stderrTail: string } | null;
    await rtmp.stop();
    assert.doesNotMatch(run?.stderrTail ?? '', /corrupt|error while decoding/, 'the on-air decoder saw no corrupt frames at the swaps');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
