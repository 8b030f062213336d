// The standby clip airs when no episode exists yet. It is made by ffmpeg alone from built-in sources, so
// it cannot fail for lack of a model, and it is encoded exactly like every episode (the mux's settings):
// slots swap between the two, the concat demuxer needs the same H.264 parameter sets in both, and it
// airs by stream copy like them.
import fs from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { BROADCAST } from '../../shared/types';
import { runFfmpeg } from '../media/ffmpeg';
import { writeFileAtomic } from '../../store/atomicFile';
import { BROADCAST_AUDIO, BROADCAST_VIDEO } from './airFormat';
import { airAudioSamples, dropAudioPriming } from './airAudio';

export const STANDBY_SECONDS = 4;

export async function ensureStandbyClip(file: string, signal?: AbortSignal): Promise<void> {
  if (await fs.stat(file).then((s) => s.size > 0, () => false)) return;
  const { width, height, fps, audioRate } = BROADCAST;
  // Two callers may make it at once (the channel and the on-air activity): each writes its own temporary
  // file and the rename is atomic, so the clip is always whole.
  const encoded = `${file}.${randomUUID()}.encoded.tmp.mp4`;
  try {
    await writeFileAtomic(file, async (tmp) => {
      await runFfmpeg([
        '-f', 'lavfi', '-i', `smptehdbars=size=${width}x${height}:rate=${fps}:duration=${STANDBY_SECONDS}`,
        '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${audioRate}:duration=${STANDBY_SECONDS}`,
        // Whole AAC frames within the video and no priming packet, like every episode (airAudio.ts).
        '-filter_complex', `[1:a]volume=0.05,aformat=sample_fmts=fltp:channel_layouts=stereo,atrim=end_sample=${airAudioSamples(STANDBY_SECONDS)}[a]`,
        '-map', '0:v', '-map', '[a]', '-t', String(STANDBY_SECONDS),
        ...BROADCAST_VIDEO, ...BROADCAST_AUDIO, '-f', 'mp4', encoded,
      ], { signal });
      await dropAudioPriming(encoded, tmp, signal);
    }, { tmp: `${file}.${randomUUID()}.tmp.mp4` });
  } finally {
    await fs.rm(encoded, { force: true });
  }
}
