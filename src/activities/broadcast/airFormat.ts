// The broadcast format's one home: how every aired file is encoded (the mux, the standby clip) and the gate
// an episode passes before it may air. The concat demuxer joins files without re-timing, so every file must
// be in the one broadcast format with audio exactly as long as video (docs/broadcast.md, "How it works":
// longer audio drifted and left video gaps at every join). The numbers themselves are BROADCAST (shared/types.ts).
import fs from 'node:fs/promises';
import { BROADCAST } from '../../shared/types';
import { probe, videoSec, type ProbeResult } from '../media/ffmpeg';

export const GOP = BROADCAST.fps * BROADCAST.gopSeconds;

/**
 * Video encoding shared by every episode, so the concat demuxer on air sees one format; it airs as it
 * is (stream copy), so it is fit for streaming: quality-driven (CRF) under a rate cap for viewers' links.
 *
 * `veryfast` with a cheaper motion search (diamond, subpel refinement 1, intra partitions only): the
 * mux's x264 was a third of all production CPU. Measured on a 12-s concat of the four offline looks at
 * the 2-Mbit/s cap: 3.2 against 4.7 CPU-s, 23.2 against 23.6 dB PSNR (the game-of-life look, which no
 * encoder can hold at this rate, −0.5 dB; the gradients +0.2 dB), the same bytes. These options change no
 * SPS/PPS field, so episodes made before and after air side by side (airFormat's avcC gate). `superfast`
 * cost the same CPU but lost 2 dB on the cellular-automaton look (no mb-tree).
 */
export const BROADCAST_VIDEO = [
  '-c:v', 'libx264', '-preset', 'veryfast', '-x264-params', 'me=dia:subme=1:partitions=i8x8,i4x4',
  '-crf', '21', '-maxrate', `${BROADCAST.videoMaxKbps}k`, '-bufsize', `${BROADCAST.videoBufferKbit}k`,
  '-profile:v', 'high', '-pix_fmt', BROADCAST.pixFmt,
  '-g', String(GOP), '-keyint_min', String(GOP), '-sc_threshold', '0', '-r', String(BROADCAST.fps), '-video_track_timescale', '12288',
];
/**
 * AAC-LC at 160 kbit/s. ffmpeg's `fast` coder: less than half the CPU of its default `twoloop` search
 * (0.26 vs 0.60 CPU-s per 9 s of stereo), transparent at this rate for a music bed.
 */
export const BROADCAST_AUDIO = ['-c:a', 'aac', '-aac_coder', 'fast', '-b:a', '160k', '-ar', String(BROADCAST.audioRate), '-ac', String(BROADCAST.audioChannels)];

/**
 * The H.264 parameter sets (avcC) of a file, as hex. The concat demuxer builds each playlist entry's
 * mp4→Annex B converter once, from the first file it opened under that name, and keeps prepending
 * that file's SPS/PPS; a slot later swapped to a file with other parameter sets decodes as garbage.
 * So every file that airs must carry the same parameter sets (the mux's BROADCAST_VIDEO settings).
 */
export async function h264ParameterSets(file: string, signal?: AbortSignal): Promise<string> {
  return (await probe(file, signal, { air: true })).video?.parameterSets ?? '';
}

/** The standby's parameter sets, the reference every swap compares with: read once per standby file. */
const standbySets = new Map<string, Promise<string>>();
export async function referenceParameterSets(standby: string, signal?: AbortSignal): Promise<string> {
  const st = await fs.stat(standby);
  const key = `${standby}:${st.ino}:${st.mtimeMs}:${st.size}`;
  let sets = standbySets.get(key);
  if (!sets) {
    sets = h264ParameterSets(standby, signal);
    standbySets.set(key, sets);
    sets.catch(() => standbySets.delete(key));
  }
  return sets;
}

/** One frame at 24 fps: the most audio and video may differ in length for a file to air. */
const MAX_AV_MISMATCH_SEC = 1 / BROADCAST.fps;

export interface AirFormatLimits {
  /** A tighter A/V length bound (the mux holds itself to one AAC frame). */
  maxAvMismatchSec?: number;
  /** The video must last this long, within one frame. */
  expectedSec?: number;
}

/**
 * Everything that keeps a file from airing; empty when it is in the one broadcast format. The priming
 * check needs `p` probed with `{ air: true }`.
 */
export function airFormatProblems(p: ProbeResult, limits: AirFormatLimits = {}): string[] {
  const problems: string[] = [];
  const v = p.video;
  const a = p.audio;
  if (!v) problems.push('no video stream');
  else {
    if (v.codec !== 'h264') problems.push(`video codec ${v.codec}, expected h264`);
    if (v.width !== BROADCAST.width || v.height !== BROADCAST.height) problems.push(`video ${v.width}x${v.height}, expected ${BROADCAST.width}x${BROADCAST.height}`);
    if (Math.abs(v.fps - BROADCAST.fps) > 0.01) problems.push(`video ${v.fps} fps, expected ${BROADCAST.fps}`);
    if (v.pixFmt !== BROADCAST.pixFmt) problems.push(`pixel format ${v.pixFmt}, expected ${BROADCAST.pixFmt}`);
  }
  if (!a) problems.push('no audio stream');
  else {
    if (a.codec !== 'aac') problems.push(`audio codec ${a.codec}, expected aac`);
    if (a.sampleRate !== BROADCAST.audioRate) problems.push(`audio ${a.sampleRate} Hz, expected ${BROADCAST.audioRate}`);
    if (a.channels !== BROADCAST.audioChannels) problems.push(`audio ${a.channels} channels, expected ${BROADCAST.audioChannels}`);
  }
  const vd = videoSec(p);
  const ad = a ? (a.durationSec ?? p.durationSec) : undefined;
  if (vd !== undefined && limits.expectedSec !== undefined && Math.abs(vd - limits.expectedSec) > 1 / BROADCAST.fps) {
    problems.push(`video lasts ${vd.toFixed(3)} s, expected ${limits.expectedSec.toFixed(3)} s`);
  }
  const maxAv = limits.maxAvMismatchSec ?? MAX_AV_MISMATCH_SEC;
  if (vd !== undefined && ad !== undefined && Math.abs(vd - ad) > maxAv) {
    problems.push(`audio lasts ${ad.toFixed(3)} s but video ${vd.toFixed(3)} s; they must match within ${(maxAv * 1000).toFixed(0)} ms`);
  }
  // Stream copy on air (airAudio.ts): audio that outlasts its video, or starts with a priming packet
  // before 0, overlaps the next file's audio at a join.
  if (vd !== undefined && ad !== undefined && ad > vd + 1e-3) {
    problems.push(`audio lasts ${ad.toFixed(3)} s, longer than video ${vd.toFixed(3)} s; cut it to whole AAC frames within the video`);
  }
  if (p.firstAudioSec !== undefined && p.firstAudioSec < 0) {
    problems.push(`audio starts at ${(p.firstAudioSec * 1000).toFixed(1)} ms (an AAC priming packet); remove it (dropAudioPriming)`);
  }
  return problems;
}
