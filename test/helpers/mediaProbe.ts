// ffprobe facts about a media file (size, fps, duration, kinds of stream), for the Gradio tests.
import { execa } from 'execa';

export interface Probe { width?: number; height?: number; fps?: number; duration: number; video: boolean; audio: boolean }

export async function probe(file: string): Promise<Probe> {
  const { stdout } = await execa('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,width,height,r_frame_rate:format=duration', '-of', 'json', file]);
  const j = JSON.parse(stdout);
  const v = j.streams.find((s: any) => s.codec_type === 'video');
  const [n, d] = String(v?.r_frame_rate ?? '0/1').split('/').map(Number);
  return {
    width: v?.width, height: v?.height, fps: v ? n / d : undefined,
    duration: parseFloat(j.format.duration),
    video: !!v, audio: j.streams.some((s: any) => s.codec_type === 'audio'),
  };
}
