// Directed episodes on this machine (printed, no assertions on time), with `npm start`'s defaults and the
// two-character example show (docs/show.example.json):
// 1. CPU per stage of one directed episode (voice, effects and the mix included): the episode's activities
//    called in the workflow's order, one stage at a time, the CPU of the programs they start counted around
//    each (bench/stages.ts childCpuSec), and what that bounds production speed at on this machine's cores;
// 2. `webtv start` with WEBTV_SHOW to the first directed episode on air (goal ≤ 3 min), then production speed
//    over the next episodes (seconds of episode per second spent producing; goal ≥ 1.5), and the disk the
//    channel's finished episodes keep (goal ≤ 300 MB per channel in steady state).
import { MockActivityEnvironment } from '@temporalio/testing';
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActivities } from '../src/activities/index';
import { defaultBackends } from '../src/activities/backends/registry';
import { freePort } from '../src/servers/temporalDevServer';
import type { ChannelStatus } from '../src/shared/channel';
import { NARRATOR, characterIndex, voiceSeed, type Show } from '../src/shared/show';
import { musicSegmentSec, planEpisode } from '../src/shared/timeline';
import { BROADCAST, type MediaResult } from '../src/shared/types';
import { childCpuSec } from './stages';
import { bytesUnder } from './disk';
import { waitFor } from '../test/helpers/wait';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHOW_FILE = path.join(repo, 'docs', 'show.example.json');

type Stage = 'screenplay' | 'voice' | 'generate' | 'upscale' | 'interpolate' | 'effects' | 'music' | 'mix' | 'mux';
const STAGES: Stage[] = ['screenplay', 'voice', 'generate', 'upscale', 'interpolate', 'effects', 'music', 'mix', 'mux'];

/** One directed episode, stage by stage, as directedEpisode.ts orders it; CPU and wall time per stage. */
async function stageCosts(dataDir: string, show: Show, episode: number): Promise<{ costs: Record<Stage, { cpu: number; wall: number }>; episodeSec: number }> {
  const acts = createActivities({ dataDir, backends: defaultBackends() });
  const run = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A): Promise<R> => new MockActivityEnvironment().run(fn as (...a: unknown[]) => Promise<R>, ...args);
  const costs = Object.fromEntries(STAGES.map((s) => [s, { cpu: 0, wall: 0 }])) as Record<Stage, { cpu: number; wall: number }>;
  const measured = async <T>(stage: Stage, f: () => Promise<T>): Promise<T> => {
    const c0 = childCpuSec();
    const t0 = performance.now();
    const r = await f();
    costs[stage].cpu += childCpuSec() - c0;
    costs[stage].wall += (performance.now() - t0) / 1000;
    return r;
  };
  const ref = { channel: 'bench', episode };
  const offline = { kind: 'offline' };
  const seed = 42 + episode;
  const { screenplay: sp } = await measured('screenplay', () => run(acts.writeScreenplay, { ...ref, show, storySoFar: [], seed, lengthSec: { min: 30, max: 45 }, writer: { kind: 'offline' as const } }));
  // Voices four at a time, shots all at once, as the workflow runs them.
  const voices = await measured('voice', () => Promise.all(sp.lines.map((l, i) => {
    const character = characterIndex(show, l.speaker);
    const speaker = character >= 0 ? show.characters[character].name : NARRATOR;
    return run(acts.voiceLine, { ...ref, line: i, text: l.text, speaker, character, ...(show.characters[character]?.voice ? { voice: show.characters[character].voice } : {}), seed: voiceSeed(speaker), backend: offline });
  })));
  const plan = planEpisode(sp, voices.map((v) => v.durationSec), BROADCAST.fps);
  const base = (i: number) => ({ ...ref, shot: i, prompt: plan.shots[i].prompt, seed: seed + i * 7919 });
  const from = (r: MediaResult) => ({ inPath: r.path, ...(r.videoSec ? { inputSec: r.videoSec } : {}), ...(r.videoSize ? { inputSize: r.videoSize } : {}) });
  const generated = await measured('generate', () => Promise.all(plan.shots.map((s, i) => run(acts.generateShot, { ...base(i), durationSec: s.seconds, backend: offline }))));
  const upscaled = await measured('upscale', () => Promise.all(plan.shots.map((_, i) => run(acts.upscaleShot, { ...base(i), ...from(generated[i]), backend: offline }))));
  const interpolated = await measured('interpolate', () => Promise.all(plan.shots.map((_, i) => run(acts.interpolateShot, { ...base(i), ...from(upscaled[i]), fps: BROADCAST.fps, backend: { kind: 'offline', mode: 'blend' } }))));
  const cues = await measured('effects', () => Promise.all(plan.cues.map((c) => run(acts.makeSoundEffect, { ...ref, cue: c.index, text: c.text, kind: c.kind, durationSec: c.seconds, seed, backend: offline }))));
  const music = await measured('music', () => Promise.all(plan.music.map((m, i) => run(acts.composeMusic, { ...ref, description: `${m.mood}; instrumental soundtrack`, durationSec: musicSegmentSec(plan, i), seed: seed + i, backend: offline }))));
  const mix = await measured('mix', () => run(acts.mixEpisodeAudio, {
    ...ref, totalSec: plan.totalSec,
    lines: plan.lines.map((l) => ({ path: voices[l.index].path, start: l.start, end: l.end })),
    cues: plan.cues.map((c, i) => ({ path: cues[i].path, at: c.at, seconds: c.seconds })),
    music: plan.music.map((m, i) => ({ path: music[i].path, start: m.start, end: m.end })),
  }));
  const m = await measured('mux', () => run(acts.muxEpisode, {
    ...ref, workflowId: `bench-${episode}`, theme: show.premise, seed, mood: 'mixed',
    shots: plan.shots.map((s, i) => ({ index: i, prompt: s.prompt, seed: seed + i * 7919, generated: generated[i].path, upscaled: upscaled[i].path, interpolated: interpolated[i].path, durationSec: s.seconds })),
    music: { path: mix.path, description: 'mix' }, steps: [],
    subtitles: plan.lines.map((l) => ({ start: l.start, end: l.end, speaker: l.speaker, text: l.text })),
  }));
  return { costs, episodeSec: m.durationSec };
}

const dirMB = async (dir: string): Promise<number> => (await bytesUnder(dir)) / 1e6;

async function stack(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-bench-directed-'));
  const ports = { web: await freePort(), flv: await freePort(), rtmp: await freePort(), temporal: await freePort(), ui: await freePort() };
  const env: NodeJS.ProcessEnv = {
    ...process.env, WEBTV_DATA_DIR: dataDir, WEBTV_WEB_PORT: String(ports.web), WEBTV_FLV_PORT: String(ports.flv),
    WEBTV_RTMP_PORT: String(ports.rtmp), WEBTV_TEMPORAL_PORT: String(ports.temporal), WEBTV_TEMPORAL_UI_PORT: String(ports.ui),
    WEBTV_CONTROL_TOKEN: randomBytes(18).toString('base64url'), WEBTV_SHOW: SHOW_FILE,
  };
  delete env.TEMPORAL_ADDRESS;
  const api = `http://127.0.0.1:${ports.web}/api/status`;
  const status = async () => (await fetch(api, { headers: { authorization: `Bearer ${env.WEBTV_CONTROL_TOKEN}` } })).json() as Promise<ChannelStatus>;
  const episodesDir = path.join(dataDir, 'channels', 'default', 'episodes');
  const t0 = Date.now();
  const child = execa('node', [path.join(repo, 'bin/webtv.js'), 'start'], { cwd: repo, env, reject: false, stdout: 'ignore', stderr: 'pipe' });
  let peakMB = 0;
  const sampler = setInterval(() => { void dirMB(episodesDir).then((mb) => { peakMB = Math.max(peakMB, mb); }); }, 1000);
  try {
    const first = await waitFor('the first directed episode on air', async () => (await status().catch(() => null))?.onAir?.episode, 900_000, 500);
    const firstSec = (Date.now() - t0) / 1000;
    console.log(`start → first directed episode on air:     ${firstSec.toFixed(1)} s (goal ≤ 180 s; episode ${first.episode} "${first.title ?? ''}", ${first.durationSec.toFixed(1)} s long, ${first.shots.length} shots)`);
    const before = await status();
    const episodes = Number(process.env.BENCH_EPISODES ?? 3);
    const after = await waitFor(`${episodes} more episodes`, async () => {
      const s = await status();
      return s.made >= before.made + episodes ? s : null;
    }, 1_800_000, 500);
    const speed = before.production && after.production && after.production.busySec > before.production.busySec
      ? (after.production.episodeSec - before.production.episodeSec) / (after.production.busySec - before.production.busySec) : NaN;
    const [load1] = os.loadavg();
    console.log(`production speed (status, while producing): ${speed.toFixed(2)} s of episode per s over ${after.made - before.made} directed episodes of ${((after.production!.episodeSec - before.production!.episodeSec) / (after.made - before.made)).toFixed(1)} s (goal ≥ 1.5; load average ${load1.toFixed(1)} on ${os.cpus().length} cores)`);
    // Finished episodes keep what people need (episode.mp4, .vtt, manifest, screenplay, log); the channel keeps 12.
    const finished = fs.readdirSync(episodesDir).filter((n) => fs.existsSync(path.join(episodesDir, n, 'manifest.json')))
      .filter((n) => !(after.producing ?? []).some((p) => p.episode === Number(n)));
    const perEpisode = await Promise.all(finished.map((n) => dirMB(path.join(episodesDir, n))));
    const mean = perEpisode.reduce((a, b) => a + b, 0) / Math.max(1, perEpisode.length);
    console.log(`disk per finished directed episode:        ${mean.toFixed(1)} MB (${perEpisode.map((x) => x.toFixed(1)).join(', ')}); ×12 kept = ${(mean * 12).toFixed(0)} MB per channel (goal ≤ 300 MB); peak of the episodes folder while producing ${peakMB.toFixed(0)} MB`);
  } finally {
    clearInterval(sampler);
    child.kill('SIGINT');
    await Promise.race([child, new Promise((r) => setTimeout(r, 30_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  const show: Show = JSON.parse(fs.readFileSync(SHOW_FILE, 'utf8'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-bench-stages-'));
  try {
    const { costs, episodeSec } = await stageCosts(dataDir, show, 1);
    const cpu = STAGES.reduce((a, s) => a + costs[s].cpu, 0);
    console.log(`one directed episode of ${episodeSec.toFixed(1)} s, stage by stage (CPU-s of the programs each stage ran; wall s):`);
    for (const s of STAGES) console.log(`  ${s.padEnd(12)} ${costs[s].cpu.toFixed(2).padStart(7)} CPU-s  ${(100 * costs[s].cpu / cpu).toFixed(0).padStart(3)} %   ${costs[s].wall.toFixed(2).padStart(7)} s`);
    const cores = os.availableParallelism();
    console.log(`  total        ${cpu.toFixed(2).padStart(7)} CPU-s: ${(cpu / episodeSec).toFixed(2)} CPU-s per s of episode; on ${cores} cores at most ${(episodeSec / (cpu / cores)).toFixed(2)} s of episode per s`);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  await stack();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
