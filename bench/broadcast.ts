// Broadcast benchmarks on this machine (printed, no assertions on time):
// 1. `webtv start` (what `npm start` runs) to the first frame on air (standby), and to the first
//    episode on air, with the default channel (3 shots, offline backends);
// 2. page load to first frame in headless Chromium (median of 3);
// 3. on-air CPU: the running on-air ffmpeg's own CPU time (/proc) per second of air (stream copy), next
//    to the re-encode it replaced (its arguments replayed on the same episode), and channels on air per core;
// 4. production vs air over 5 episodes: seconds of episode made per second of wall time (> 1 keeps up),
//    and the status's production speed (seconds of episode per second spent producing).
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { ChannelStatus } from '../src/shared/channel';
import { airPaths } from '../src/activities/broadcast/playlist';
import { cpuShare, machineBusySec, onAirPid, processTree, treeCpuBetween } from './processCpu';
import { childCpuSec } from './stages';
import { freePort } from '../src/servers/temporalDevServer';
import { streamIsOn } from '../test/helpers/rtmp';
import { waitFor } from '../test/helpers/wait';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');


const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-bench-broadcast-'));
  const ports = { web: await freePort(), flv: await freePort(), rtmp: await freePort(), temporal: await freePort(), ui: await freePort() };
  const env: NodeJS.ProcessEnv = {
    ...process.env, WEBTV_DATA_DIR: dataDir, WEBTV_WEB_PORT: String(ports.web), WEBTV_FLV_PORT: String(ports.flv),
    WEBTV_RTMP_PORT: String(ports.rtmp), WEBTV_TEMPORAL_PORT: String(ports.temporal), WEBTV_TEMPORAL_UI_PORT: String(ports.ui),
    WEBTV_CONTROL_TOKEN: randomBytes(18).toString('base64url'),
  };
  delete env.TEMPORAL_ADDRESS;
  const flv = `http://127.0.0.1:${ports.flv}/live/default.flv`;
  const api = `http://127.0.0.1:${ports.web}/api/status`;
  // The full status (producedSec, production) needs the control token.
  const status = async () => (await fetch(api, { headers: { authorization: `Bearer ${env.WEBTV_CONTROL_TOKEN}` } })).json() as Promise<ChannelStatus>;
  const t0 = Date.now();
  const child = execa('node', [path.join(repo, 'bin/webtv.js'), 'start'], { cwd: repo, env, reject: false, stdout: 'ignore', stderr: 'pipe' });
  try {
    await waitFor('the first frame on air', () => streamIsOn(flv, 2), 180_000, 100);
    const standbySec = (Date.now() - t0) / 1000;
    console.log(`start → first frame on air (standby):     ${standbySec.toFixed(1)} s`);

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
    const loads: number[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const page = await browser.newPage();
        const start = Date.now();
        await page.goto(`http://127.0.0.1:${ports.web}/`);
        await page.waitForFunction(() => document.querySelector('video')!.currentTime > 0, null, { timeout: 30_000, polling: 20 });
        loads.push(Date.now() - start);
        await page.close();
      }
    } finally {
      await browser.close();
    }
    console.log(`page load → first frame in Chromium:        ${median(loads)} ms (median of ${loads.map((x) => `${x}`).join(', ')})`);

    const first = await waitFor('the first episode on air', async () => (await status()).onAir?.episode, 900_000, 500);
    const firstSec = (Date.now() - t0) / 1000;
    console.log(`start → first episode on air:              ${firstSec.toFixed(1)} s (episode ${first.episode}, ${first.durationSec.toFixed(1)} s long, ${first.shots.length} shots)`);

    const pid = onAirPid(airPaths(dataDir, 'default').pidFile);
    const share = pid ? await cpuShare(pid, 30) : null;
    // The on-air re-encode as it was before stream copy (commit 24a41e6), on the same episode, no -re:
    // its CPU per second of media is what it cost per second of air.
    const playlist = path.join(dataDir, 'bench.ffconcat');
    fs.writeFileSync(playlist, `ffconcat version 1.0\nfile '${first.path.replace(/'/g, `'\\''`)}'\n`);
    const encodeSec = 20;
    const c0 = childCpuSec();
    await execa('ffmpeg', ['-v', 'error', '-stream_loop', '-1', '-f', 'concat', '-safe', '0', '-i', playlist, '-map', '0:v:0', '-map', '0:a:0',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-r', '24', '-g', '48', '-keyint_min', '48', '-sc_threshold', '0',
      '-b:v', '2000k', '-maxrate', '2000k', '-bufsize', '4000k', '-c:a', 'aac', '-b:a', '128k', '-ar', '44100', '-ac', '2', '-t', String(encodeSec), '-f', 'flv', '-y', '/dev/null']);
    const reencode = (childCpuSec() - c0) / encodeSec;
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    console.log(`on-air CPU per channel (own CPU time / s of air): stream copy ${share === null ? 'n/a' : pct(share)} vs re-encode ${pct(reencode)} of one core`);
    if (share) console.log(`channels on air per core:                   ${(1 / share).toFixed(0)} (stream copy) vs ${(1 / reencode).toFixed(1)} (re-encode)`);

    // The window is the same episodes in every run (their looks, and so their cost, follow the episode
    // number: one offline mandelbrot or game-of-life shot costs several times a gradient one), and starts
    // after an episode made since the replay above, which would carry the replay's CPU into it.
    const settled = (await status()).made;
    const windowFrom = Math.max(settled + 1, Number(process.env.BENCH_WINDOW_FROM ?? 4));
    await waitFor(`episode ${windowFrom} made`, async () => (await status()).made >= windowFrom, 600_000, 200);
    const windowStart = Date.now();
    const before = await status();
    const tree0 = processTree(child.pid!);
    const busy0 = machineBusySec();
    const episodes = Number(process.env.BENCH_EPISODES ?? 5);
    const after = await waitFor(`${episodes} more episodes`, async () => {
      const s = await status();
      return s.made >= before.made + episodes ? s : null;
    }, 1_800_000, 200);
    const ratio = (after.producedSec - before.producedSec) / ((Date.now() - windowStart) / 1000);
    const [load1] = os.loadavg();
    console.log(`production vs air (npm start's defaults):   ${ratio.toFixed(2)} s of episode per s of air over ${after.made - before.made} episodes (status: productionVsAir=${after.productionVsAir}, fallingBehind=${after.fallingBehind}; load average ${load1.toFixed(1)} on ${os.cpus().length} cores)`);
    // The window above is capped near 1 by design: production waits while targetReady episodes are queued.
    // The status's productionSpeed is the rate while producing, i.e. what the channel could make.
    const windowSpeed = before.production && after.production && after.production.busySec > before.production.busySec
      ? (after.production.episodeSec - before.production.episodeSec) / (after.production.busySec - before.production.busySec) : NaN;
    console.log(`production speed (status, while producing): ${windowSpeed.toFixed(2)} s of episode per s over the 5 episodes (goal ≥ 1.5); ${after.productionSpeed} since the start, cold start included`);
    const made = after.made - before.made;
    const byProcess = [...treeCpuBetween(tree0, processTree(child.pid!))].filter(([, v]) => v >= 0.05).sort((a, b) => b[1] - a[1]);
    console.log(`CPU per episode over the window (CPU-s): machine ${((machineBusySec() - busy0) / made).toFixed(2)}; ${byProcess.map(([k, v]) => `${k} ${(v / made).toFixed(2)}`).join(', ')}`);
  } finally {
    child.kill('SIGINT');
    const s0 = Date.now();
    await Promise.race([child, new Promise((r) => setTimeout(r, 30_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    console.log(`Ctrl-C → all stopped:                      ${((Date.now() - s0) / 1000).toFixed(1)} s`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
