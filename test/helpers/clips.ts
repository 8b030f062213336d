// Hand-made clips in the broadcast format for the on-air tests: a solid colour (to tell episodes apart
// in the stream), a tone, and optionally a white flash and a beep in the first 40 ms (for A/V sync).
import { execa } from 'execa';
import { BROADCAST } from '../../src/shared/types';
import fs from 'node:fs';
import { BROADCAST_AUDIO, BROADCAST_VIDEO } from '../../src/activities/broadcast/airFormat';
import { airAudioSamples, dropAudioPriming } from '../../src/activities/broadcast/airAudio';

export interface ClipSpec {
  durationSec: number;
  color: string;
  toneHz?: number;
  /** A white first frame and a 40-ms beep at t=0 over silence, instead of the steady tone. */
  flashAndBeep?: boolean;
  /** Video encoder arguments instead of the broadcast's (to make a file that must not air). */
  encoder?: string[];
}

export async function makeClip(file: string, spec: ClipSpec): Promise<string> {
  const { width, height, fps, audioRate } = BROADCAST;
  const d = spec.durationSec;
  const video = spec.flashAndBeep
    ? `color=c=${spec.color}:s=${width}x${height}:r=${fps}:d=${d},drawbox=c=white:t=fill:enable='lt(t,0.04)'`
    : `color=c=${spec.color}:s=${width}x${height}:r=${fps}:d=${d}`;
  const audio = spec.flashAndBeep
    ? `aevalsrc='if(lt(t,0.04),0.8*sin(2*PI*1000*t),0)|if(lt(t,0.04),0.8*sin(2*PI*1000*t),0)':s=${audioRate}:d=${d}`
    : `sine=frequency=${spec.toneHz ?? 440}:sample_rate=${audioRate}:duration=${d},aformat=channel_layouts=stereo`;
  const encoded = `${file}.encoded.mp4`;
  await execa('ffmpeg', [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', video, '-f', 'lavfi', '-i', `${audio},atrim=end_sample=${airAudioSamples(d)}`,
    // Encoded like every episode (the mux's settings): slots only swap between files with one H.264 profile,
    // with whole AAC frames and no priming packet (stream copy on air, airAudio.ts).
    '-t', String(d), ...(spec.encoder ?? BROADCAST_VIDEO), ...BROADCAST_AUDIO, encoded,
  ]);
  await dropAudioPriming(encoded, file);
  fs.rmSync(encoded, { force: true });
  return file;
}
