// The offline renderers: real ffmpeg programs that stand in for the models when there is no GPU or no
// network. They are procedural graphics, a Lanczos scaler, frame blending or minterpolate and a
// synthesiser — not the models, and never described as them.
import fs from 'node:fs';
import path from 'node:path';
import type { BackendContext, BackendImpl, GenerateRequest, InterpolateRequest, MusicRequest, UpscaleRequest, Written } from '../backends';
import type { BackendSpec } from '../../../shared/types';
import { BROADCAST, SHOT, SHOT_SECONDS } from '../../../shared/types';
import { RENDER_NICENESS, probe, runFfmpeg, videoSec, type FfmpegReport, type ProbeResult } from '../../media/ffmpeg';
import { captionLines, lookFor } from './look';
import { musicFor } from './music';
import { speakOffline } from './voice';
import { synthesiseOfflineSfx } from './sfx';
import { fontFileFromEnv } from '../../../config/media';

export const FONT_FILE = fontFileFromEnv();

/** Bit-exact flags so the same inputs give the same bytes (no encoder version strings, no dates). */
const BITEXACT = ['-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1'];
/**
 * Intermediates are lossless, the generated clip too; the mux makes the one lossy encode viewers see.
 * (The generated clip was H.264 at CRF 20, as a model's would be: 0.73 against 0.33 CPU-s per shot on the
 * noisy game-of-life look, most of a shot's render.) On one machine they are raw
 * YUV 4:2:0 in Matroska (which, unlike NUT, records the last frame's duration): no codec work to write or
 * read (an upscale writes it in 0.40 CPU-s per 3-s shot against 0.54 for lossless x264; the interpolator
 * and the mux read it ~4× cheaper than Ut Video or lossless x264, whose decoding was a third of their
 * time: bench/stages.ts), at 21 MB per upscaled and 64 MB per interpolated 3-s shot. When the output goes
 * to a shared store its bytes travel (~30 ms of CPU per MB between the SDK and the S3 service, measured
 * with SeaweedFS), so it is Ut Video: ~30 % fewer bytes on the offline patterns' noise, for a cheap codec.
 * A Gradio app gets neither: the upload converts them to H.264 (gradio/upload.ts).
 */
const LOSSLESS_RAW = ['-c:v', 'rawvideo', '-pix_fmt', 'yuv420p', '-f', 'matroska'];
const LOSSLESS_COMPACT = ['-c:v', 'utvideo', '-pix_fmt', 'yuv420p', '-f', 'matroska'];
const lossless = (ctx: BackendContext) => (ctx.compactOutput ? LOSSLESS_COMPACT : LOSSLESS_RAW);
/** File extension of what each offline step writes (activities/episode/episode.ts names the files). */
export const OFFLINE_OUTPUT_EXT = { video: 'mkv', upscale: 'mkv', interpolate: 'mkv' } as const;

/**
 * What a render wrote, as its ffmpeg reported it: the codec, size, pixel format and rate its arguments set,
 * and the frames it counted. The step's check takes this instead of an ffprobe start (backends.ts,
 * Written); test/offline.test.ts holds it equal to what ffprobe reads. Nothing when a number is
 * missing: the activity probes the file.
 */
function writtenVideo(ctx: BackendContext, size: { width: number; height: number } | undefined, fps: number | undefined, report: FfmpegReport): Written {
  if (!size || !fps || !(fps > 0) || !report.frames) return undefined;
  const durationSec = report.frames / fps;
  return {
    formatName: 'matroska,webm',
    durationSec,
    video: { codec: ctx.compactOutput ? 'utvideo' : 'rawvideo', width: size.width, height: size.height, fps, pixFmt: 'yuv420p', frames: report.frames, durationSec },
  } satisfies ProbeResult;
}

function progress(ctx: BackendContext, what: string, expectedSec: number) {
  return {
    signal: ctx.signal,
    niceness: RENDER_NICENESS,
    expectedSec,
    onProgress: (p: { outSec: number; fraction?: number; speed?: string }) =>
      ctx.heartbeat({ stage: what, fraction: p.fraction, outSec: p.outSec, speed: p.speed }),
  };
}

/**
 * drawtext reads the caption from a file named relatively (ffmpeg runs in the scratch folder), so neither
 * the prompt nor the data directory's path — quotes, colons, percents and all — passes through the
 * filtergraph's escaping. The font path is ours; it is checked to hold no character that would need it.
 */
const CAPTION_FILE = 'caption.txt';
function captionFilter(fontSize: number): string {
  if (/['\\:,;[\]=]/.test(FONT_FILE)) throw new Error(`WEBTV_FONT_FILE=${FONT_FILE} holds a character ffmpeg filters cannot take (' \\ : , ; [ ] =); use a path without them`);
  return `drawtext=fontfile=${FONT_FILE}:textfile=${CAPTION_FILE}:expansion=none:fontcolor=white:fontsize=${fontSize}:line_spacing=3:box=1:boxcolor=black@0.55:boxborderw=6:x=10:y=h-th-12`;
}

export async function renderOfflineClip(_spec: BackendSpec, req: GenerateRequest, ctx: BackendContext): Promise<Written> {
  const look = lookFor(req.prompt, req.seed);
  const { width: w, height: h, fps } = SHOT;
  // A directed episode's shot lasts what its timeline says (whole frames, at least that long); else 3 s.
  const frames = req.durationSec ? Math.max(1, Math.ceil(req.durationSec * fps - 1e-6)) : SHOT.frames;
  const shotSec = frames / fps;
  // Render larger than the frame and crop a moving window: the "camera" pans across the pattern.
  const bigW = Math.round(w * 1.25 / 2) * 2;
  const bigH = Math.round(h * 1.25 / 2) * 2;
  fs.writeFileSync(path.join(ctx.scratchDir, CAPTION_FILE), captionLines(req.prompt));
  const x = look.panX >= 0 ? `(iw-ow)*t/${shotSec}*${look.panX.toFixed(2)}` : `(iw-ow)*(1-t/${shotSec}*${(-look.panX).toFixed(2)})`;
  const y = look.panY >= 0 ? `(ih-oh)*t/${shotSec}*${look.panY.toFixed(2)}` : `(ih-oh)*(1-t/${shotSec}*${(-look.panY).toFixed(2)})`;
  const vf = [
    'format=yuv420p',
    `crop=${w}:${h}:x='${x}':y='${y}'`,
    `hue=h=${look.hue}:s=${look.saturation.toFixed(2)}`,
    `eq=brightness=${look.brightness}`,
    captionFilter(13),
    'setsar=1',
  ].join(',');
  const report = await runFfmpeg(
    ['-f', 'lavfi', '-i', look.source(bigW, bigH, fps, shotSec), '-frames:v', String(frames), '-vf', vf, '-r', String(fps), ...lossless(ctx), ...BITEXACT, req.outPath],
    { ...progress(ctx, 'render', shotSec), cwd: ctx.scratchDir },
  );
  return writtenVideo(ctx, SHOT, fps, report);
}

/** The scaler keeps every frame and its time: the output lasts `inSec` too, at the input's rate. */
export async function upscaleOffline(_spec: BackendSpec, req: UpscaleRequest, ctx: BackendContext): Promise<Written> {
  const report = await runFfmpeg(
    ['-i', req.inPath, '-vf', `scale=${BROADCAST.width}:${BROADCAST.height}:flags=lanczos,setsar=1`, '-an', ...lossless(ctx), ...BITEXACT, req.outPath],
    progress(ctx, 'upscale', req.inSec ?? SHOT_SECONDS),
  );
  return writtenVideo(ctx, BROADCAST, req.inSec && report.frames ? report.frames / req.inSec : undefined, report);
}

/**
 * Interpolated frames. `mode: 'mci'` (default) is motion-compensated (minterpolate) and takes ~11 s of one
 * core per 3-s shot at 1024×576; `mode: 'blend'` cross-fades neighbouring frames with the `framerate`
 * filter, two orders of magnitude cheaper, for slow machines and quick tests. Frames that fall on an input frame are
 * that frame, bit for bit, in both modes.
 */
export async function interpolateOffline(spec: BackendSpec, req: InterpolateRequest, ctx: BackendContext): Promise<Written> {
  const interpolate = spec.mode === 'blend'
    ? `framerate=fps=${req.fps}:interp_start=0:interp_end=255:scene=100`
    : `minterpolate=fps=${req.fps}:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:vsbmc=1:scd=none`;
  const inSec = req.inSec || await probe(req.inPath, ctx.signal).then(videoSec) || SHOT_SECONDS;
  const report = await runFfmpeg(
    // Both stop short of the last input frame's end: hold two more frames, then cut at the input's
    // length, so a 3-s shot stays 3 s (72 frames at 24 fps).
    ['-i', req.inPath, '-vf', `tpad=stop_mode=clone:stop=2,${interpolate},trim=end=${inSec},setsar=1`, '-an', ...lossless(ctx), ...BITEXACT, req.outPath],
    progress(ctx, 'interpolate', inSec),
  );
  return writtenVideo(ctx, req.inSize, req.fps, report);
}

export async function composeOfflineMusic(_spec: BackendSpec, req: MusicRequest, ctx: BackendContext): Promise<Written> {
  const m = musicFor(req.description, req.seed);
  // aevalsrc evaluates both expressions per sample: at half the broadcast rate (the score's highest
  // partial is under 600 Hz), resampled, it costs 0.47 against 0.78 CPU-s per 9 s.
  const { outSec } = await runFfmpeg(
    ['-f', 'lavfi', '-i', `aevalsrc=exprs='${m.left}|${m.right}':s=${BROADCAST.audioRate / 2}:d=${req.durationSec.toFixed(3)}`,
      '-af', `aresample=${BROADCAST.audioRate},afade=t=in:d=0.5,areverse,afade=t=in:d=1,areverse`, '-c:a', 'pcm_s16le', '-ac', '2', ...BITEXACT, '-f', 'wav', req.outPath],
    progress(ctx, 'music', req.durationSec),
  );
  if (!(outSec > 0)) return undefined;
  return { formatName: 'wav', durationSec: outSec, audio: { codec: 'pcm_s16le', sampleRate: BROADCAST.audioRate, channels: 2, durationSec: outSec } } satisfies ProbeResult;
}

export const offlineBackend: BackendImpl = {
  video: renderOfflineClip,
  upscale: upscaleOffline,
  interpolate: interpolateOffline,
  music: composeOfflineMusic,
  voice: speakOffline,
  sfx: synthesiseOfflineSfx,
};
