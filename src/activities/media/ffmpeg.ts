// The one place ffmpeg and ffprobe are run: argument arrays only, started by the launcher process
// (launcher.ts), the activity's cancellation signal kills the child, and `-progress` output becomes heartbeats.
import type { ShotMaking } from '../../shared/types';
import { launch } from './launcher';

export interface FfmpegRun {
  signal?: AbortSignal;
  /** Working folder: lets filters name files relatively, with no filtergraph escaping of the path. */
  cwd?: string;
  /** Seconds of output expected, to turn out_time into a fraction. */
  expectedSec?: number;
  onProgress?(p: { outSec: number; fraction?: number; speed?: string }): void;
  /**
   * Run at this niceness (0–19): work that can wait yields the CPU to what cannot, when both want it
   * (RENDER_NICENESS).
   */
  niceness?: number;
}

/**
 * The renders of shots and music run at a lower priority than the mux and the on-air ffmpeg: with the next
 * episode's shots made beside a mux (channel.ts), the episode about to air gets the CPU first, and the
 * stream never waits on production. Alone on the machine they still get all of it.
 */
export const RENDER_NICENESS = 10;

/** What ffmpeg reported at the end of a run (`-progress`): frames of its first video output, and its length. */
export interface FfmpegReport {
  frames?: number;
  outSec: number;
}

export async function runFfmpeg(args: string[], run: FfmpegRun = {}): Promise<FfmpegReport> {
  let outSec = 0;
  let frames: number | undefined;
  let speed: string | undefined;
  let pending = '';
  const r = await launch('ffmpeg', ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-progress', 'pipe:1', '-nostats', ...args], {
    signal: run.signal,
    cwd: run.cwd,
    niceness: run.niceness,
    onStdout(chunk) {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [k, v] = line.split('=');
        if (k === 'out_time_us' && /^\d+$/.test(v)) outSec = Number(v) / 1e6;
        else if (k === 'frame' && /^\d+$/.test(v)) frames = Number(v);
        else if (k === 'speed') speed = v.trim();
        else if (k === 'progress') {
          run.onProgress?.({ outSec, speed, fraction: run.expectedSec ? Math.min(1, outSec / run.expectedSec) : undefined });
        }
      }
    },
  });
  if (r.canceled) throw new Error('ffmpeg was cancelled');
  if (r.exitCode !== 0) {
    const tail = r.error ?? r.stderr.trimEnd().split('\n').slice(-6).join(' | ');
    throw new Error(`ffmpeg failed (exit ${r.exitCode ?? r.signal}): ${tail}`);
  }
  return { ...(frames !== undefined ? { frames } : {}), outSec };
}

export interface ProbeResult {
  formatName: string;
  durationSec: number;
  video?: {
    codec: string; width: number; height: number; fps: number; pixFmt: string; frames?: number; durationSec?: number;
    /** With `{ air: true }`: the H.264 parameter sets (avcC), as hex ('' when the stream has none). */
    parameterSets?: string;
  };
  audio?: { codec: string; sampleRate: number; channels: number; durationSec?: number };
  /** With `{ air: true }`: the first audio packet's time (s); before 0 is an AAC priming packet. */
  firstAudioSec?: number;
  /** What made the clip, from the comment tag a model server writes (`{"webtv": {...}}`); absent otherwise. */
  made?: ShotMaking;
}

/** The steps a model server recorded in a clip's comment tag; anything else (or nothing) is undefined. */
export function madeFromComment(comment: unknown): ShotMaking | undefined {
  if (typeof comment !== 'string' || !comment.startsWith('{')) return undefined;
  try {
    const steps = (JSON.parse(comment) as { webtv?: unknown }).webtv;
    return steps && typeof steps === 'object' && !Array.isArray(steps) ? steps as ShotMaking : undefined;
  } catch {
    return undefined;
  }
}

/** How long the video lasts: its stream's duration, else the file's (Matroska records none per stream). */
export function videoSec(p: ProbeResult): number | undefined {
  return p.video ? (p.video.durationSec ?? p.durationSec) : undefined;
}

/** The hex bytes of an ffprobe `-show_data` dump ("00000000: 0164 001f …  .d..", one line per 16 bytes). */
function hexOfDump(dump: string | undefined): string {
  const hex: string[] = [];
  for (const line of String(dump ?? '').split('\n')) {
    const m = /^[0-9a-f]{8}: ((?:[0-9a-f]{2,4} ?)+)/.exec(line);
    if (m) hex.push(m[1].replace(/ /g, ''));
  }
  return hex.join('');
}

/**
 * ffprobe a file; throws with ffprobe's own words when it is not readable media. `{ air: true }` also
 * reads what the gate before air needs (airFormat.ts) in the same run — the avcC and the first second of
 * packets — since every ffprobe start costs ~0.1 CPU-s (its 200 libraries), a run per question added up.
 */
export async function probe(file: string, signal?: AbortSignal, opts: { air?: boolean } = {}): Promise<ProbeResult> {
  const air = opts.air ? ['-show_data', '-show_entries', 'packet=stream_index,pts_time', '-read_intervals', '%+1'] : [];
  const r = await launch('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...air, file], { signal });
  if (r.canceled) throw new Error('ffprobe was cancelled');
  if (r.exitCode !== 0) throw new Error(`not readable media (${file}): ${r.error ?? r.stderr.trim().split('\n').pop()}`);
  const j = JSON.parse(String(r.stdout));
  const v = (j.streams ?? []).find((s: any) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const a = (j.streams ?? []).find((s: any) => s.codec_type === 'audio');
  const rate = (s: string | undefined) => {
    if (!s) return 0;
    const [n, d] = s.split('/').map(Number);
    return d ? n / d : n;
  };
  const num = (s: unknown) => (s === undefined || s === 'N/A' ? undefined : Number(s));
  const firstAudio = a && opts.air ? (j.packets ?? []).find((k: any) => k.stream_index === a.index && num(k.pts_time) !== undefined) : undefined;
  return {
    formatName: j.format?.format_name ?? '',
    durationSec: Number(j.format?.duration ?? 0),
    video: v && {
      codec: v.codec_name,
      width: v.width,
      height: v.height,
      fps: rate(v.avg_frame_rate) || rate(v.r_frame_rate),
      pixFmt: v.pix_fmt,
      frames: num(v.nb_frames),
      durationSec: num(v.duration),
      ...(opts.air ? { parameterSets: hexOfDump(v.extradata) } : {}),
    },
    audio: a && { codec: a.codec_name, sampleRate: Number(a.sample_rate), channels: a.channels, durationSec: num(a.duration) },
    ...(firstAudio ? { firstAudioSec: Number(firstAudio.pts_time) } : {}),
    ...(madeFromComment(j.format?.tags?.comment) ? { made: madeFromComment(j.format?.tags?.comment) } : {}),
  };
}

export interface Loudness {
  /** Integrated loudness, LUFS. */
  i: number;
  /** True peak, dBTP. */
  tp: number;
}

/**
 * EBU R128 measurement (ebur128 with true peak) of the audio `filter` produces from `file`. Used for a
 * linear gain at the mux: a third of loudnorm's CPU for the measuring pass, and a plain `volume` instead
 * of loudnorm's 192-kHz second pass (bench/stages.ts).
 */
export async function measureLoudness(file: string, filter: string, signal?: AbortSignal): Promise<Loudness | undefined> {
  const r = await launch('ffmpeg', ['-hide_banner', '-nostdin', '-nostats', '-i', file, '-vn', '-af', `${filter},ebur128=peak=true`, '-f', 'null', '-'], { signal });
  if (r.canceled) throw new Error('the loudness measurement was cancelled');
  if (r.exitCode !== 0) throw new Error(`loudness measurement failed: ${r.error ?? r.stderr.split('\n').slice(-3).join(' | ')}`);
  const summary = r.stderr.slice(r.stderr.lastIndexOf('Summary:'));
  const i = Number(/I:\s*(-?[\d.]+|-inf) LUFS/.exec(summary)?.[1]);
  const tp = Number(/Peak:\s*(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1]);
  // Silence measures as -70 LUFS (the gate) or -inf: nothing to normalise.
  return Number.isFinite(i) && Number.isFinite(tp) && i > -70 ? { i, tp } : undefined;
}
