// Uploads an input file to the app under a real file name. @gradio/client's handle_file(path) and a
// bare Buffer/Blob upload as "blob", with no extension, and apps that pick a decoder or refuse input by
// extension (common in video Spaces) then fail; a File named like our file keeps it (measured: see
// shared/notes/gradio.md). We upload before submit() rather than letting the client do it inside the
// job, because the client only logs a failed upload and sends the call without the file.
import { FileData } from '@gradio/client';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { probe, runFfmpeg } from '../../media/ffmpeg';
import { writeFileAtomic } from '../../../store/atomicFile';
import type { AppConnection } from './connection';
import { classifyAppError, failure } from './failures';

/** Our file's own name, with an extension the app can act on (our pipeline writes MP4 video, WAV audio). */
export function uploadName(localPath: string, kind: 'video' | 'audio'): string {
  const name = path.basename(localPath);
  return /\.(mp4|m4v|mov|webm|mkv|wav|mp3|flac|ogg|m4a)$/i.test(name) ? name : `${name}.${kind === 'audio' ? 'wav' : 'mp4'}`;
}

/**
 * The offline renderers' lossless intermediates (raw video or Ut Video: backends/offline/render.ts) are not
 * what a video Space's decoders are written for, and weigh up to 64 MB per 3-s shot: such a file goes up as
 * H.264 in MP4, near-lossless (CRF 12), made once beside it. A model's own MP4 goes up as it is.
 */
const INTERMEDIATE_CODECS = new Set(['rawvideo', 'utvideo']);
export async function uploadableVideo(localPath: string, signal?: AbortSignal): Promise<string> {
  if (!INTERMEDIATE_CODECS.has((await probe(localPath, signal).catch(() => undefined))?.video?.codec ?? '')) return localPath;
  const mp4 = `${localPath}.upload.mp4`;
  if (existsSync(mp4)) return mp4;
  await writeFileAtomic(mp4, async (tmp) => {
    await runFfmpeg(['-i', localPath, '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p', '-f', 'mp4', tmp], { signal });
  }, { tmp: `${mp4}.${process.pid}.tmp` });
  return mp4;
}

export async function uploadInput(conn: AppConnection, localPath: string, kind: 'video' | 'audio', where: string, signal?: AbortSignal): Promise<FileData> {
  if (kind === 'video') localPath = await uploadableVideo(localPath, signal);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(localPath);
  } catch (err) {
    throw failure('GradioBadInput', `${where}: cannot read the input file ${localPath}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, false);
  }
  const name = uploadName(localPath, kind);
  const root = conn.client.config?.root ?? conn.origin;
  let res;
  try {
    // readFile's Buffer owns a plain ArrayBuffer; the view only satisfies the File constructor's type.
    res = await conn.client.upload_files(root, [new File([new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength)], name)]);
  } catch (err) {
    throw classifyAppError(err, `${where}: uploading ${name} failed`);
  }
  const uploaded = res.files?.[0];
  if (res.error || !uploaded) {
    const http = /^HTTP (\d+)/.exec(res.error ?? '')?.[1];
    // 413 (too large) and other 4xx are about our file; 5xx and no answer are the app's state.
    const ours = http !== undefined && +http >= 400 && +http < 500 && +http !== 429;
    throw failure(ours ? 'GradioBadInput' : 'GradioConnection', `${where}: the app refused the upload of ${name} (${bytes.length} bytes): ${(res.error ?? 'no file path in its answer').slice(0, 200)}`, !ours);
  }
  return new FileData({ path: uploaded, orig_name: name, size: bytes.length });
}
