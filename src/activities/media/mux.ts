// The mux: every shot normalised to the one broadcast format, concatenated, the music laid under it at
// the video's length in whole AAC frames and normalised to -23 LUFS (measured, then one linear gain), then
// episode.mp4 and manifest.json. It is the one lossy video encode: every intermediate is lossless.
// A directed episode brings its mix (mix.ts) as the music, and its lines as subtitles: burned into the
// picture and written beside it as episode.vtt.
import type { Context } from '@temporalio/activity';
import fs from 'node:fs';
import path from 'node:path';
import { BROADCAST, type DirectedManifest, type EpisodeManifest, type EpisodeModeration, type ShotManifest, type StepRecord } from '../../shared/types';
import type { FileRef } from '../../shared/fileRef';
import { appendActivityLog } from '../episode/artifacts';
import { writeFileAtomic } from '../../store/atomicFile';
import { BROADCAST_AUDIO, BROADCAST_VIDEO, airFormatProblems } from '../broadcast/airFormat';
import { airAudioSamples, dropAudioPriming } from '../broadcast/airAudio';
import { measureLoudness, probe, runFfmpeg, videoSec } from './ffmpeg';
import { storeWaits, throughOutage } from '../../store/outage';
import { episodeKey, type EpisodeId } from '../episode/paths';
import type { Store } from '../../store/index';
import { fontFileFromEnv } from '../../config/media';
import { assSubtitles, fontFamily, webVtt, type SubtitleLine } from './subtitles';

export interface MuxRequest extends EpisodeId {
  workflowId: string;
  theme: string;
  seed: number;
  mood: string;
  /**
   * `durationSec`: how long the shot lasts in the episode — its planned length in a directed episode,
   * else the interpolated video's own (MediaResult.videoSec); probed when absent. A clip shorter than
   * that holds its last frame, a longer one is cut.
   */
  shots: { index: number; prompt: string; seed: number; generated: string; upscaled: string; interpolated: string; interpolatedFile?: FileRef; durationSec?: number }[];
  music: { path: string; description: string; file?: FileRef };
  steps: StepRecord[];
  moderation?: EpisodeModeration;
  /** A directed episode's lines: burned into the picture, and written beside it as episode.vtt. */
  subtitles?: SubtitleLine[];
  /** A directed episode: copied into the manifest. */
  directed?: DirectedManifest;
}

export const LOUDNESS = { i: -23, tp: -2 } as const;
/** The mux makes audio exactly the video's length: within one AAC frame (1024 samples). */
const AAC_FRAME_SEC = 1024 / BROADCAST.audioRate + 1e-3;

export function normaliseVideoFilter(input: string, frames: number, out: string): string {
  const { width: w, height: h, fps, pixFmt } = BROADCAST;
  // setparams: no colour tags reach the encoder (a lossless intermediate may carry BT.601 ones,
  // a model's clip may carry others), since x264 writes them into the SPS and every aired file must
  // share the standby's parameter sets, which has none.
  // tpad then trim: exactly `frames`, a short clip's last frame held (the lines planned over it still
  // need their seconds), a long one cut.
  return `[${input}]scale=${w}:${h}:force_original_aspect_ratio=decrease:flags=lanczos,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps},format=${pixFmt},setparams=range=unknown:color_primaries=unknown:color_trc=unknown:colorspace=unknown,tpad=stop_mode=clone:stop=${frames},trim=end_frame=${frames},setpts=PTS-STARTPTS[${out}]`;
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
  if (manifest.subtitlesPath) {
    const vttKey = episodeKey(manifest.channel, manifest.episode, 'episode.vtt');
    await throughOutage(`put ${vttKey}`, () => store.put(vttKey, manifest.subtitlesPath!, { signal: actx.cancellationSignal }), storeWaits(actx));
  }
  const stored = { ...manifest, episodeFile };
  if (JSON.stringify(manifest.episodeFile) !== JSON.stringify(episodeFile)) await writeFileAtomic(manifest.manifestPath, JSON.stringify(stored, null, 2));
  return stored;
}

/**
 * Where libass finds the subtitles and their font, named relatively (ffmpeg runs in this folder): neither
 * the episode folder's path nor the font's passes through the filtergraph's escaping. The font is linked
 * (copied where links are refused) into a folder of its own, so libass loads that one file.
 */
function prepareSubtitles(scratch: string, lines: SubtitleLine[]): string {
  const font = fontFileFromEnv();
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(path.join(scratch, 'fonts'), { recursive: true });
  const linked = path.join(scratch, 'fonts', `caption${path.extname(font).replace(/[^\w.]/g, '') || '.ttf'}`);
  try {
    fs.symlinkSync(path.resolve(font), linked);
  } catch {
    fs.copyFileSync(font, linked);
  }
  fs.writeFileSync(path.join(scratch, 'episode.ass'), assSubtitles(lines, fontFamily(font)));
  return 'ass=filename=episode.ass:fontsdir=fonts';
}

export async function muxEpisodeFiles(episodeDir: string, req: MuxRequest, actx: Context, store?: Store): Promise<EpisodeManifest> {
  // Absolute: ffmpeg runs in a scratch folder when it burns subtitles.
  const dir = path.resolve(episodeDir);
  const episodePath = path.join(dir, 'episode.mp4');
  const vttPath = path.join(dir, 'episode.vtt');
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
  const subtitled = (req.subtitles?.length ?? 0) > 0;
  const scratch = path.join(dir, `.subtitles.attempt-${attempt}`);
  const encoded = path.join(dir, `.episode.attempt-${attempt}.encoded.tmp.mp4`);
  try {
    const graph = [
      ...req.shots.map((_, i) => normaliseVideoFilter(`${i}:v`, shotFrames[i], `v${i}`)),
      // Subtitles go on after the scaling, on the broadcast frame the ASS script is laid out for.
      `${req.shots.map((_, i) => `[v${i}]`).join('')}concat=n=${n}:v=1:a=0${subtitled ? `[shots];[shots]${prepareSubtitles(scratch, req.subtitles!)}` : ''}[v]`,
      `[${n}:a]${audioShape}${norm}[a]`,
    ].join(';');
    await writeFileAtomic(episodePath, async (tmp) => {
      await runFfmpeg([
        ...req.shots.flatMap((s) => ['-i', path.resolve(s.interpolated)]), '-i', path.resolve(req.music.path),
        '-filter_complex', graph, '-map', '[v]', '-map', '[a]',
        ...BROADCAST_VIDEO, ...BROADCAST_AUDIO,
        '-map_metadata', '-1', '-f', 'mp4', encoded,
      ], {
        signal: actx.cancellationSignal,
        ...(subtitled ? { cwd: scratch } : {}),
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
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (req.subtitles) await writeFileAtomic(vttPath, webVtt(req.subtitles));
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
    ...(req.directed ? { directed: req.directed } : {}),
    ...(req.subtitles ? { subtitlesPath: vttPath } : {}),
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
