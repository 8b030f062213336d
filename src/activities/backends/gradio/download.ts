// Brings an app's output file home at once (an app's file cache is temporary), only from the app's
// own origin, bounded in size, under the name the caller chose, and checks with ffprobe that it is the
// kind of media we asked for: corrupt files arrive as success.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { probe, type ProbeResult } from '../../media/ffmpeg';
import { failure } from './failures';

export interface DownloadOptions {
  url: string;
  origin: string;
  outPath: string;
  maxBytes: number;
  kind: 'video' | 'audio';
  signal: AbortSignal;
  where: string;
  token?: string;
}

/** The file's bytes, and what ffprobe read in it (the step's check takes that: backends.ts, Written). */
export async function downloadOutput(o: DownloadOptions): Promise<{ bytes: number; probe: ProbeResult }> {
  let url: URL;
  try { url = new URL(o.url); } catch { throw failure('GradioForeignUrl', `${o.where}: the app returned a file URL that does not parse: ${o.url.slice(0, 120)}`, false); }
  if (url.origin !== o.origin) {
    throw failure('GradioForeignUrl', `${o.where}: the app pointed at a file on ${url.origin}, not on its own origin ${o.origin}; refusing to download it`, false);
  }
  const headers: Record<string, string> = o.token && url.protocol === 'https:' ? { Authorization: `Bearer ${o.token}` } : {};
  const res = await fetch(url, { signal: o.signal, headers, redirect: 'error' }).catch((err) => {
    throw failure('GradioConnection', `${o.where}: downloading the result failed: ${(err as Error).message}`, true);
  });
  if (!res.ok || !res.body) throw failure('GradioConnection', `${o.where}: downloading the result answered HTTP ${res.status}`, true);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > o.maxBytes) {
    await res.body.cancel();
    throw failure('GradioBadOutput', `${o.where}: the result is ${declared} bytes, over the limit of ${o.maxBytes} (maxBytes)`, false);
  }
  let bytes = 0;
  const counted = Readable.fromWeb(res.body as any);
  counted.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > o.maxBytes) counted.destroy(failure('GradioBadOutput', `${o.where}: the result grew past the limit of ${o.maxBytes} bytes (maxBytes)`, false));
  });
  await pipeline(counted, fs.createWriteStream(o.outPath, { mode: 0o644 }));
  if (bytes === 0) throw failure('GradioBadOutput', `${o.where}: the result file is empty; retrying`, true);
  return { bytes, probe: await probeKind(o.outPath, o.kind, o.where, o.signal) };
}

async function probeKind(file: string, kind: 'video' | 'audio', where: string, signal: AbortSignal): Promise<ProbeResult> {
  let why = 'no such stream';
  const p = await probe(file, signal).catch((err: Error) => {
    why = err.message;
    return undefined;
  });
  if (!p?.[kind] || !(p.durationSec > 0)) {
    throw failure('GradioBadOutput', `${where}: the app returned a file ffprobe does not read as ${kind} (${why}); retrying`, true);
  }
  return p;
}
