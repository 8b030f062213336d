// The real node-media-server on free ports for one test file, and readers of what it serves.
import { execa, type ResultPromise } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/servers/temporalDevServer';
import { startRtmpServer, type RtmpServer } from '../../src/servers/rtmp';

export async function startTestRtmp(dir: string): Promise<RtmpServer & { httpPort: number }> {
  const httpPort = await freePort();
  const server = await startRtmpServer({ rtmpPort: await freePort(), httpPort, storeDir: path.join(dir, 'nms'), secret: 'test-publish-secret-of-24-chars' });
  return { ...server, httpPort };
}

/** Records the HTTP-FLV stream (stream copy) to a file for `seconds` of stream time. */
export function recordFlv(url: string, file: string, seconds: number): ResultPromise {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return execa('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-rw_timeout', '15000000', '-i', url, '-map', '0:v', '-map', '0:a', '-c', 'copy', '-t', String(seconds), file], { reject: false });
}

/** True when the stream at `url` delivers at least one decodable video frame within `timeoutSec`. */
export async function streamIsOn(url: string, timeoutSec = 5): Promise<boolean> {
  const r = await execa('ffprobe', ['-v', 'error', '-rw_timeout', String(timeoutSec * 1e6), '-select_streams', 'v:0', '-read_intervals', '%+#1', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', url], { reject: false, timeout: (timeoutSec + 3) * 1000 });
  return r.exitCode === 0 && String(r.stdout).trim().length > 0;
}

export interface PacketTimes { video: number[]; audio: number[] }

export async function packetTimes(file: string): Promise<PacketTimes> {
  const { stdout } = await execa('ffprobe', ['-v', 'error', '-show_entries', 'packet=codec_type,pts_time', '-of', 'csv=p=0', file]);
  const out: PacketTimes = { video: [], audio: [] };
  for (const line of stdout.split('\n')) {
    const [type, t] = line.split(',');
    if ((type === 'video' || type === 'audio') && t && t !== 'N/A') out[type].push(Number(t));
  }
  out.video.sort((a, b) => a - b);
  out.audio.sort((a, b) => a - b);
  return out;
}

export function largestGap(times: number[]): number {
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
  return gap;
}

/** The dominant colour of the stream, sampled `fps` times a second: 'r', 'g', 'b' or '?' (grey/mixed). */
export async function colourTimeline(file: string, fps = 4): Promise<string[]> {
  const { stdout } = await execa('ffmpeg', ['-v', 'error', '-i', file, '-vf', `fps=${fps},scale=1:1`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer' });
  const out: string[] = [];
  for (let i = 0; i + 2 < stdout.length; i += 3) {
    const [r, g, b] = [stdout[i], stdout[i + 1], stdout[i + 2]];
    const max = Math.max(r, g, b);
    out.push(max < 60 || max - Math.min(r, g, b) < 60 ? '?' : max === r ? 'r' : max === g ? 'g' : 'b');
  }
  return out;
}

export interface StreamSteps {
  /** Steps between consecutive decode timestamps, in file order (what a player is fed), seconds. */
  video: number[];
  audio: number[];
}

/** Decode-timestamp steps of each stream in file order: a step ≤ 0 is a timestamp going backwards. */
export async function dtsSteps(file: string): Promise<StreamSteps> {
  const { stdout } = await execa('ffprobe', ['-v', 'error', '-show_entries', 'packet=codec_type,dts_time', '-of', 'csv=p=0', file]);
  const last: Record<string, number | undefined> = {};
  const out: StreamSteps = { video: [], audio: [] };
  for (const line of stdout.split('\n')) {
    const [type, t] = line.split(',');
    if ((type !== 'video' && type !== 'audio') || !t || t === 'N/A') continue;
    const x = Number(t);
    if (last[type] !== undefined) out[type].push(x - last[type]!);
    last[type] = x;
  }
  return out;
}
