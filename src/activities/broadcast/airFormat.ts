// The gate an episode passes before it may air: the concat demuxer joins files without re-timing, so
// every file must be in the one broadcast format with audio exactly as long as video (DESIGN.md:
// longer audio drifted and left video gaps at every join).
import { BROADCAST } from '../../shared/types';
import type { ProbeResult } from '../ffmpeg';

/** One frame at 24 fps. */
const MAX_AV_MISMATCH_SEC = 1 / BROADCAST.fps;

export function airFormatProblems(p: ProbeResult): string[] {
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
  if (v?.durationSec !== undefined && a?.durationSec !== undefined && Math.abs(v.durationSec - a.durationSec) > MAX_AV_MISMATCH_SEC) {
    problems.push(`audio lasts ${a.durationSec.toFixed(3)} s but video ${v.durationSec.toFixed(3)} s; they must match within one frame`);
  }
  return problems;
}
