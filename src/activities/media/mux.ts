// The mux: every shot normalised to the one broadcast format, concatenated, the music laid under it at
// the video's length in whole AAC frames and normalised to -23 LUFS (measured, then one linear gain), then
// episode.mp4 and manifest.json. It is the one lossy video encode: every intermediate is lossless.
import type { Context } from '@temporalio/activity';
import fs from 'node:fs';
import path from 'node:path';
import { BROADCAST, type EpisodeManifest, type EpisodeModeration, type ShotManifest, type StepRecord } from '../../shared/types';
import type { FileRef } from '../../shared/fileRef';
import { appendActivityLog } from '../episode/artifacts';
import { writeFileAtomic } from '../../store/atomicFile';
import { BROADCAST_AUDIO, BROADCAST_VIDEO, airFormatProblems } from '../broadcast/airFormat';
import { airAudioSamples, dropAudioPriming } from '../broadcast/airAudio';
import { measureLoudness, probe, runFfmpeg, videoSec } from './ffmpeg';
import { storeWaits, throughOutage } from '../../store/outage';
import { episodeKey, type EpisodeId } from '../episode/paths';
import type { Store } from '../../store/index';

export interface MuxRequest extends EpisodeId {
  workflowId: string;
  theme: string;
  seed: number;
  mood: string;
  /** `durationSec`: the interpolated video's length (MediaResult.videoSec); probed when absent. */
  shots: { index: number; prompt: string; seed: number; generated: string; upscaled: string; interpolated: string; interpolatedFile?: FileRef; durationSec?: number }[];
  music: { path: string; description: string; file?: FileRef };
  steps: StepRecord[];
  moderation?: EpisodeModeration;
}

export const LOUDNESS = { i: -23, tp: -2 } as const;
/** The mux makes audio exactly the video's length: within one AAC frame (1024 samples). */
const AAC_FRAME_SEC = 1024 / BROADCAST.audioRate + 1e-3;

export function normaliseVideoFilter(input: string, frames: number, out: string): string {
  const { width: w, height: h, fps, pixFmt } = BROADCAST;
  // setparams: no colour tags reach the encoder (a lossless intermediate may carry BT.601 ones,
  // a model's clip may carry others), since x264 writes them into the SPS and every aired file must
  // share the standby's parameter sets, which has none.
  return `[${input}]scale=${w}:${h}:force_original_aspect_ratio=decrease:flags=lanczos,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps},format=${pixFmt},setparams=range=unknown:color_primaries=unknown:color_trc=unknown:colorspace=unknown,trim=end_frame=${frames},setpts=PTS-STARTPTS[${out}]`;
}

/**
 * Puts the finished episode in the store (a key already holding it is reused, so a retry uploads nothing
 * twice) and records its ref in the manifest, which any worker can then fetch it by.
 */
async function storeEpisode(store: Store | undefined, manifest: EpisodeManifest, actx: Context): Promise<EpisodeManifest> {
  if (!store) return manifest;
  actx.heartbeat({ stage: 'storing the episode', store: store.location });
  const key = episodeKey(manifest.channel, manifest.episode, 'episode.mp4');
  const { reused, ...episodeFile } = await throughOutage(`put ${key}`, () => store.put(key, manifest.episodePath, { signal: actx.cancellationSignal }), storeWaits(actx));
  appendActivityLog(manifest.episodeDir, { step: 'storeEpisode', backend: store.kind, attempt: actx.info.attempt, outcome: reused ? 'reused' : 'made' });
  const stored = { ...manifest, episodeFile };
  if (JSON.stringify(manifest.episodeFile) !== JSON.stringify(episodeFile)) await writeFileAtomic(manifest.manifestPath, JSON.stringify(stored, null, 2));
  return stored;
}

export async function muxEpisodeFiles(dir: string, req: MuxRequest, actx: Context, store?: Store): Promise<EpisodeManifest> {
  const episodePath = path.join(dir, 'episode.mp4');
  const manifestPath = path.join(dir, 'manifest.json');
  const attempt = actx.info.attempt;
  if (fs.existsSync(episodePath) && fs.existsSync(manifestPath)) {
    const saved = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as EpisodeManifest;
    if (saved.workflowId === req.workflowId) {
      appendActivityLog(dir, { step: 'muxEpisode', backend: 'ffmpeg', attempt, outcome: 'reused' });
      return storeEpisode(store, saved, actx);
    }
  }
  const started = Date.now();
  // Each shot contributes whole frames at the broadcast rate; the episode is exactly their sum.
  const shotFrames: number[] = [];
  const shots: ShotManifest[] = [];
  // A model server records what made each clip in its comment tag: probed only for shots a Gradio app
  // interpolated (the offline renderers write none, and a probe costs ~0.1 CPU-s).
  const byApp = new Set(req.steps.filter((st) => st.step === 'interpolateShot' && st.backend === 'gradio').map((st) => st.shot));
  for (const s of req.shots) {
    let sec = s.durationSec;
    let made: ShotManifest['made'];
    if (sec === undefined || byApp.has(s.index)) {
      const p = await probe(s.interpolated, actx.cancellationSignal);
      sec ??= videoSec(p) ?? p.durationSec;
      made = p.made;
    }
    const frames = Math.max(1, Math.round(sec * BROADCAST.fps));
    shotFrames.push(frames);
    shots.push({ index: s.index, prompt: s.prompt, seed: s.seed, durationSec: frames / BROADCAST.fps, files: { generated: s.generated, upscaled: s.upscaled, interpolated: s.interpolated }, ...(made ? { made } : {}) });
  }
  const totalFrames = shotFrames.reduce((a, b) => a + b, 0);
  const D = totalFrames / BROADCAST.fps;
  // Whole AAC frames, no longer than the video (airAudio.ts: what stream copy on air needs).
  const audioShape = `aformat=sample_rates=${BROADCAST.audioRate}:channel_layouts=stereo,apad=whole_dur=${D},atrim=end_sample=${airAudioSamples(D)}`;
  actx.heartbeat({ stage: 'measuring loudness' });
  const loud = await measureLoudness(req.music.path, audioShape, actx.cancellationSignal);
  // One linear gain to the target, as loudnorm's linear mode does, held below the true-peak ceiling.
  const norm = loud ? `,volume=${Math.min(LOUDNESS.i - loud.i, LOUDNESS.tp - loud.tp).toFixed(2)}dB` : '';
  const n = req.shots.length;
  const graph = [
    ...req.shots.map((_, i) => normaliseVideoFilter(`${i}:v`, shotFrames[i], `v${i}`)),
    `${req.shots.map((_, i) => `[v${i}]`).join('')}concat=n=${n}:v=1:a=0[v]`,
    `[${n}:a]${audioShape}${norm}[a]`,
  ].join(';');
  const encoded = path.join(dir, `.episode.attempt-${attempt}.encoded.tmp.mp4`);
  try {
    await writeFileAtomic(episodePath, async (tmp) => {
      await runFfmpeg([
        ...req.shots.flatMap((s) => ['-i', s.interpolated]), '-i', req.music.path,
        '-filter_complex', graph, '-map', '[v]', '-map', '[a]',
        ...BROADCAST_VIDEO, ...BROADCAST_AUDIO,
        '-map_metadata', '-1', '-f', 'mp4', encoded,
      ], {
        signal: actx.cancellationSignal,
        expectedSec: D,
        onProgress: (p) => actx.heartbeat({ stage: 'mux', fraction: p.fraction, outSec: p.outSec, speed: p.speed }),
      });
      await dropAudioPriming(encoded, tmp, actx.cancellationSignal);
      const p = await probe(tmp, actx.cancellationSignal, { air: true });
      const problems = airFormatProblems(p, { expectedSec: D, maxAvMismatchSec: AAC_FRAME_SEC });
      if (problems.length) throw new Error(`the muxed episode is not in the broadcast format: ${problems.join('; ')}`);
    }, { tmp: path.join(dir, `.episode.attempt-${attempt}.tmp.mp4`) });
  } finally {
    fs.rmSync(encoded, { force: true });
  }
  const manifest: EpisodeManifest = {
    channel: req.channel,
    episode: req.episode,
    workflowId: req.workflowId,
    theme: req.theme,
    seed: req.seed,
    mood: req.mood,
    shots,
    music: { file: req.music.path, description: req.music.description, durationSec: D },
    steps: [...req.steps, { step: 'muxEpisode', backend: 'ffmpeg', attempts: attempt }],
    degraded: req.steps.some((s) => s.degraded),
    ...(req.moderation ? { moderation: req.moderation } : {}),
    durationSec: D,
    episodePath,
    manifestPath,
    episodeDir: dir,
    createdAt: new Date().toISOString(),
  };
  await writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2));
  appendActivityLog(dir, { step: 'muxEpisode', backend: 'ffmpeg', attempt, outcome: 'made', ms: Date.now() - started });
  return storeEpisode(store, manifest, actx);
}
