// Seconds per production stage, before and after the lossless intermediates (printed, no assertions):
// one episode of 3 shots (the default channel), each stage run alone, measured as the CPU time of its
// ffmpeg runs (from /proc: the launcher's and what it reaped; load-insensitive on a shared machine) and as
// wall time. Then the machine CPU one ffprobe start costs, forked from a worker-sized process and through
// the launcher.
// "before" replays the offline renderers' and the mux's ffmpeg commands as they were at commit 24a41e6
// (x264 intermediates at every step, loudnorm measured by loudnorm); "after" calls today's code.
// Run alone: node --import tsx bench/stages.ts   (STAGES_EPISODES=1)
import { Context } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendContext } from '../src/activities/backends/backends';
import { runFfmpeg, probe } from '../src/activities/media/ffmpeg';
import { launch, launcherPid } from '../src/activities/media/launcher';
import { machineBusySec, readStat } from './processCpu';
import { spawn } from 'node:child_process';
import { muxEpisodeFiles } from '../src/activities/media/mux';
import { offlineBackend } from '../src/activities/backends/offline/index';
import { OFFLINE_OUTPUT_EXT } from '../src/activities/backends/offline/render';
import { writeOfflineShotList } from '../src/activities/backends/shotlist/offline';
import type { EpisodeManifest } from '../src/shared/types';

/**
 * CPU seconds used so far by the ffmpeg and ffprobe runs this process started: they are children of the
 * launcher (src/activities/media/launcher.ts), which is counted with them, plus any it started itself.
 */
export function childCpuSec(): number {
  const l = launcherPid();
  const launcher = l ? readStat(l) : null;
  return (readStat(process.pid)?.reaped ?? 0) + (launcher ? launcher.own + launcher.reaped : 0);
}

interface Cost { cpu: number; wall: number }
type Stage = 'generate' | 'upscale' | 'interpolate' | 'music' | 'mux';
const STAGES: Stage[] = ['generate', 'upscale', 'interpolate', 'music', 'mux'];

async function measured(costs: Record<Stage, Cost>, stage: Stage, f: () => Promise<unknown>): Promise<void> {
  const c0 = childCpuSec();
  const t0 = performance.now();
  await f();
  costs[stage].cpu += childCpuSec() - c0;
  costs[stage].wall += (performance.now() - t0) / 1000;
}

const ctx = (dir: string): BackendContext => ({ signal: new AbortController().signal, heartbeat() {}, scratchDir: fs.mkdtempSync(path.join(dir, 'scratch-')) });

// The commands as they were before (commit 24a41e6), for the "before" column.
const OLD_H264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-threads', '2'];
const OLD_BROADCAST = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '21', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-g', '48', '-keyint_min', '48', '-sc_threshold', '0', '-r', '24',
  '-video_track_timescale', '12288', '-c:a', 'aac', '-b:a', '160k', '-ar', '44100', '-ac', '2'];
const oldBefore = {
  upscale: (inPath: string, outPath: string) => runFfmpeg(['-i', inPath, '-vf', 'scale=1024:576:flags=lanczos,setsar=1', '-an', ...OLD_H264, '-f', 'mp4', outPath]),
  interpolate: (inPath: string, outPath: string) => runFfmpeg(['-i', inPath, '-vf', 'tpad=stop_mode=clone:stop=2,minterpolate=fps=24:mi_mode=blend,trim=end=3,setsar=1', '-an', ...OLD_H264, '-f', 'mp4', outPath]),
  async mux(shots: string[], music: string, out: string, D: number) {
    const shape = `aformat=sample_rates=44100:channel_layouts=stereo,apad=whole_dur=${D},atrim=end=${D}`;
    await runFfmpeg(['-i', music, '-vn', '-af', `${shape},loudnorm=I=-23:TP=-2:LRA=11:print_format=json`, '-f', 'null', '-']);
    const norm = (i: number) => `[${i}:v]scale=1024:576:force_original_aspect_ratio=decrease:flags=lanczos,pad=1024:576:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=24,format=yuv420p,trim=end_frame=72,setpts=PTS-STARTPTS[v${i}]`;
    const graph = [...shots.map((_, i) => norm(i)), `${shots.map((_, i) => `[v${i}]`).join('')}concat=n=${shots.length}:v=1:a=0[v]`,
      `[${shots.length}:a]${shape},loudnorm=I=-23:TP=-2:LRA=11:linear=true,aresample=44100,${shape}[a]`].join(';');
    await runFfmpeg([...shots.flatMap((s) => ['-i', s]), '-i', music, '-filter_complex', graph, '-map', '[v]', '-map', '[a]', ...OLD_BROADCAST, '-movflags', '+faststart', '-f', 'mp4', out]);
  },
};

async function episode(dir: string, variant: 'before' | 'after', n: number, costs: Record<Stage, Cost>): Promise<number> {
  const epDir = path.join(dir, `${variant}-${n}`);
  fs.mkdirSync(epDir, { recursive: true });
  const list = writeOfflineShotList('a llama programmer in a dim room, typing at night', 3, 40 + n);
  const offline = { kind: 'offline' };
  const blend = { kind: 'offline', mode: 'blend' };
  const shots: { index: number; prompt: string; seed: number; generated: string; upscaled: string; interpolated: string }[] = [];
  for (const [i, prompt] of list.prompts.entries()) {
    const seed = 40 + n + i * 7919;
    const generated = path.join(epDir, `shot-${i}.generated.mp4`);
    const upscaled = path.join(epDir, `shot-${i}.upscaled.mp4`);
    const interpolated = path.join(epDir, `shot-${i}.interpolated.${variant === 'after' ? OFFLINE_OUTPUT_EXT.interpolate : 'mp4'}`);
    await measured(costs, 'generate', () => offlineBackend.video!(offline, { prompt, seed, outPath: generated }, ctx(epDir)));
    if (variant === 'before') {
      await measured(costs, 'upscale', () => oldBefore.upscale(generated, upscaled));
      await measured(costs, 'interpolate', () => oldBefore.interpolate(upscaled, interpolated));
    } else {
      await measured(costs, 'upscale', () => offlineBackend.upscale!(offline, { prompt, seed, inPath: generated, outPath: upscaled }, ctx(epDir)));
      await measured(costs, 'interpolate', () => offlineBackend.interpolate!(blend, { inPath: upscaled, outPath: interpolated, fps: 24 }, ctx(epDir)));
    }
    shots.push({ index: i, prompt, seed, generated, upscaled, interpolated });
  }
  const D = shots.length * 3;
  const music = path.join(epDir, 'music.wav');
  await measured(costs, 'music', () => offlineBackend.music!(offline, { description: `${list.mood}; soundtrack`, durationSec: D, seed: n, outPath: music }, ctx(epDir)));
  if (variant === 'before') {
    await measured(costs, 'mux', () => oldBefore.mux(shots.map((s) => s.interpolated), music, path.join(epDir, 'episode.mp4'), D));
  } else {
    const req = { channel: 'bench', episode: n, workflowId: `bench-${n}`, theme: 't', seed: n, mood: list.mood, shots, music: { path: music, description: 'm' }, steps: [] };
    await measured(costs, 'mux', () => new MockActivityEnvironment().run((): Promise<EpisodeManifest> => muxEpisodeFiles(epDir, req, Context.current())));
  }
  const p = await probe(path.join(epDir, 'episode.mp4'));
  return p.video?.durationSec ?? p.durationSec;
}

export interface StagesBenchResult { before: Record<Stage, Cost>; after: Record<Stage, Cost>; episodeSec: number; episodes: number }

export async function main(): Promise<StagesBenchResult> {
  const episodes = Number(process.env.STAGES_EPISODES ?? 1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-bench-stages-'));
  const zero = () => Object.fromEntries(STAGES.map((s) => [s, { cpu: 0, wall: 0 }])) as Record<Stage, Cost>;
  const before = zero();
  const after = zero();
  let episodeSec = 0;
  try {
    // Alternate the two so both see the same machine noise.
    for (let n = 0; n < episodes; n++) {
      await episode(dir, 'before', n, before);
      episodeSec += await episode(dir, 'after', n, after);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const total = (c: Record<Stage, Cost>, k: keyof Cost) => STAGES.reduce((s, st) => s + c[st][k], 0);
  const f = (x: number) => x.toFixed(2).padStart(7);
  console.log(`seconds per stage for ${episodes} episode(s) of 3 shots (${episodeSec.toFixed(1)} s of episode), offline backends, blend interpolation`);
  console.log(`  stage          CPU before  CPU after   wall before  wall after   (CPU = ffmpeg's own user+system time)`);
  for (const s of STAGES) console.log(`  ${s.padEnd(12)} ${f(before[s].cpu)}     ${f(after[s].cpu)}     ${f(before[s].wall)}      ${f(after[s].wall)}`);
  console.log(`  ${'total'.padEnd(12)} ${f(total(before, 'cpu'))}     ${f(total(after, 'cpu'))}     ${f(total(before, 'wall'))}      ${f(total(after, 'wall'))}`);
  const cores = os.cpus().length;
  for (const [name, c] of [['before', before], ['after', after]] as const) {
    console.log(`  ${name}: ${(total(c, 'cpu') / episodeSec).toFixed(2)} CPU-s per s of episode → at most ${(episodeSec * cores / total(c, 'cpu')).toFixed(2)} s of episode per s on ${cores} cores with nothing else running`);
  }
  await startCost();
  return { before, after, episodeSec, episodes };
}

/**
 * What one ffmpeg/ffprobe start costs the machine (CPU, from /proc/stat): forked by a process as large as a
 * worker running every role (~350 MB resident), as child_process does, against through the launcher.
 */
async function startCost(): Promise<void> {
  const n = 40;
  const perStart = async (start: () => Promise<unknown>) => {
    const b0 = machineBusySec();
    for (let i = 0; i < n; i++) await start();
    return (machineBusySec() - b0) / n * 1000;
  };
  const ballast = Array.from({ length: 300 }, () => Buffer.alloc(1 << 20, 1));
  const rss = process.memoryUsage().rss / 2 ** 20;
  const direct = () => new Promise((resolve) => spawn('ffprobe', ['-version'], { stdio: 'ignore' }).on('close', resolve));
  const launched = () => launch('ffprobe', ['-version']);
  const [a, b] = [await perStart(direct), await perStart(launched)];
  const [a2, b2] = [await perStart(direct), await perStart(launched)];
  console.log(`start cost of an ffprobe run, machine CPU: forked from this ${rss.toFixed(0)}-MB process ${((a + a2) / 2).toFixed(1)} ms, through the launcher ${((b + b2) / 2).toFixed(1)} ms (${n}×2 each, interleaved)`);
  ballast.length = 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
