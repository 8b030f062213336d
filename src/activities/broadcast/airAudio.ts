// Audio cut for stream copy on air. The on-air ffmpeg copies packets (no decode): the concat demuxer
// starts each file at the previous one's container duration, and `-stream_loop` wraps at the span of
// the packet timestamps. An AAC encode in MP4 starts with a priming packet at −1024 samples (hidden by
// an edit list, but copied as-is) and ends with a part-frame, so copied joins overlapped audio (the next
// file's priming packet, −23 ms) and each loop was ~18–37 ms longer than its content (measured; see
// docs/broadcast.md). So every file that airs carries whole AAC frames only, from 0, no longer than
// its video: then video runs on with no step at any join and audio only has a gap under one AAC frame.
import { BROADCAST } from '../../shared/types';
import { runFfmpeg } from '../media/ffmpeg';

export const AAC_FRAME_SAMPLES = 1024;

/** The most whole AAC frames that fit in `durationSec`, in samples at the broadcast rate. */
export function airAudioSamples(durationSec: number): number {
  return Math.floor((durationSec * BROADCAST.audioRate + 1e-6) / AAC_FRAME_SAMPLES) * AAC_FRAME_SAMPLES;
}

/**
 * Copies `src` to `dst` without the AAC priming packet (the one before time 0), keeping every other
 * packet and timestamp (-copyts). Packet timestamps of an AAC encode already say which source samples
 * each frame decodes to, so A/V sync is unchanged; only the decoder warm-up of the first 23 ms goes.
 */
export async function dropAudioPriming(src: string, dst: string, signal?: AbortSignal): Promise<void> {
  await runFfmpeg(['-copyts', '-i', src, '-map', '0', '-c', 'copy', '-copypriorss', '0', '-movflags', '+faststart', '-map_metadata', '-1', '-f', 'mp4', dst], { signal });
}
