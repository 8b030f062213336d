// Several channels on one box (printed, no assertions; a benchmark, not a test): `webtv start` runs the
// default channel, two more are started on the same worker (offline backends, blend interpolation), and
// all three stay on air for BENCH_CHANNELS_SEC (default 300 s). Printed per channel: production vs air
// over the window (from the status), the largest gap between video frames a viewer received (the FLV
// stream recorded the whole window), the on-air ffmpeg's own CPU per second of air (/proc); and the
// load average.
// Run alone: node --import tsx bench/channels.ts
import { Client, Connection } from '@temporalio/client';
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { channelWorkflowId, type ChannelInput, type ChannelStatus } from '../src/shared/channel';
import { airPaths } from '../src/activities/broadcast/playlist';
import { freePort } from '../src/servers/temporalDevServer';
import { waitFor } from '../test/helpers/wait';
import { largestGap, packetTimes, recordFlv, streamIsOn } from '../test/helpers/rtmp';
import { onAirPid, processCpuSec } from './processCpu';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHANNELS = ['default', 'second', 'third'];


export async function main(): Promise<void> {
  const windowSec = Number(process.env.BENCH_CHANNELS_SEC ?? 300);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-bench-channels-'));
  const ports = { web: await freePort(), flv: await freePort(), rtmp: await freePort(), temporal: await freePort(), ui: await freePort() };
  const env: NodeJS.ProcessEnv = {
    ...process.env, WEBTV_DATA_DIR: dataDir, WEBTV_WEB_PORT: String(ports.web), WEBTV_FLV_PORT: String(ports.flv),
    WEBTV_RTMP_PORT: String(ports.rtmp), WEBTV_TEMPORAL_PORT: String(ports.temporal), WEBTV_TEMPORAL_UI_PORT: String(ports.ui),
    WEBTV_CONTROL_TOKEN: randomBytes(18).toString('base64url'),
  };
  delete env.TEMPORAL_ADDRESS;
  const flv = (c: string) => `http://127.0.0.1:${ports.flv}/live/${c}.flv`;
  // The full status (producedSec) needs the control token.
  const status = async (c: string) => (await fetch(`http://127.0.0.1:${ports.web}/api/status?channel=${c}`, { headers: { authorization: `Bearer ${env.WEBTV_CONTROL_TOKEN}` } })).json() as Promise<ChannelStatus>;
  const child = execa('node', [path.join(repo, 'bin/webtv.js'), 'start'], { cwd: repo, env, reject: false, stdout: 'ignore', stderr: 'pipe' });
  let connection: Connection | undefined;
  try {
    await waitFor('the default channel on air', () => streamIsOn(flv('default'), 2), 180_000);
    connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    const client = new Client({ connection });
    for (const channel of CHANNELS.slice(1)) {
      const input: ChannelInput = { channel, theme: `channel ${channel}: a calm nature documentary`, backends: { interpolate: { kind: 'offline', mode: 'blend' } } };
      await client.workflow.start('channelWorkflow', { taskQueue: 'webtv', workflowId: channelWorkflowId(channel), args: [input], workflowIdConflictPolicy: 'USE_EXISTING' });
    }
    for (const c of CHANNELS) await waitFor(`channel ${c} on air`, () => streamIsOn(flv(c), 2), 180_000);
    // Every channel has its first episode on air before the window opens: the window is steady state.
    for (const c of CHANNELS) await waitFor(`channel ${c}'s first episode`, async () => (await status(c)).onAir?.episode, 1_800_000, 1000);

    console.log(`${CHANNELS.length} channels on air (offline backends, blend interpolation, npm start's defaults otherwise) for ${windowSec} s on ${os.cpus().length} cores`);
    const before = await Promise.all(CHANNELS.map(status));
    const pids = CHANNELS.map((c) => onAirPid(airPaths(dataDir, c).pidFile));
    const cpu0 = pids.map((p) => (p ? processCpuSec(p) : null));
    const t0 = performance.now();
    const recordings = CHANNELS.map((c) => recordFlv(flv(c), path.join(dataDir, 'rec', `${c}.flv`), windowSec));
    const loads: number[] = [];
    const sampler = setInterval(() => loads.push(os.loadavg()[0]), 10_000);
    await Promise.all(recordings);
    clearInterval(sampler);
    const wallSec = (performance.now() - t0) / 1000;
    const cpu1 = pids.map((p) => (p ? processCpuSec(p) : null));
    const after = await Promise.all(CHANNELS.map(status));
    for (const [i, c] of CHANNELS.entries()) {
      const made = after[i].producedSec - before[i].producedSec;
      const { video } = await packetTimes(path.join(dataDir, 'rec', `${c}.flv`)).catch(() => ({ video: [] as number[] }));
      const share = cpu0[i] !== null && cpu1[i] !== null ? (cpu1[i]! - cpu0[i]!) / wallSec : null;
      const restarted = onAirPid(airPaths(dataDir, c).pidFile) !== pids[i];
      console.log(`  ${c.padEnd(8)} production vs air ${(made / wallSec).toFixed(2)} (${made.toFixed(0)} s of episode in ${wallSec.toFixed(0)} s, ${after[i].made - before[i].made} episodes)` +
        `   largest video gap ${video.length ? `${(largestGap(video) * 1000).toFixed(0)} ms over ${(video[video.length - 1] - video[0]).toFixed(0)} s` : 'n/a (no recording)'}` +
        `   on-air CPU ${share === null ? 'n/a' : `${(share * 100).toFixed(1)} % of one core`}${restarted ? ' (on-air ffmpeg restarted in the window)' : ''}`);
    }
    const [l1, l5] = os.loadavg();
    console.log(`  load average: 1-min ${l1.toFixed(2)}, 5-min ${l5.toFixed(2)} (1-min samples over the window: max ${Math.max(...loads).toFixed(2)})`);
  } finally {
    await connection?.close();
    child.kill('SIGINT');
    await Promise.race([child, new Promise((r) => setTimeout(r, 30_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
