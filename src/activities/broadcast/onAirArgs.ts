// The on-air ffmpeg command: one process that loops the slot playlist for days and pushes it by stream
// copy — no decode, no encode: every aired file is already in the broadcast format, streaming-ready
// (the mux's capped rate and fixed 2-s GOP, whole AAC frames from 0: airAudio.ts) — as FLV to the RTMP
// server (and, optionally, HLS files and more RTMP targets through the tee muxer).
import path from 'node:path';

export interface BroadcastSettings {
  /** RTMP application URL the channel publishes under, e.g. rtmp://127.0.0.1:1935/live. */
  rtmpBase: string;
  /** node-media-server publish secret (signed URL); from the environment, never from workflow input. */
  publishSecret?: string;
  /** Write HLS for iOS / plain <video> under <hlsDir>/<channel>/index.m3u8. */
  hlsDir?: string;
  /** More RTMP targets (Twitch, YouTube…), full URLs with their keys. */
  extraRtmp?: string[];
  /** Read input at real time (-re). Off only for tests and benches that run the chain as fast as possible. */
  realtime?: boolean;
  /** Replace the network output (tests: e.g. ['-f', 'null', '-']). */
  outputOverride?: string[];
}

/** Escapes a tee muxer slave filename (its separators and quoting characters). */
function teeEscape(s: string): string {
  return s.replace(/[\\'|[\]]/g, (c) => `\\${c}`);
}

export function hlsPlaylistFile(hlsDir: string, channel: string): string {
  return path.join(hlsDir, channel, 'index.m3u8');
}

export function onAirArgs(opts: { playlist: string; channel: string; mainUrl: string; settings: BroadcastSettings }): string[] {
  const { settings: s } = opts;
  // auto_convert 0: packets stay as MP4 stores them (length-prefixed, matching the avcC every file shares;
  // the swap checks that), which FLV wants; the HLS muxer converts to Annex B itself.
  const input = [...(s.realtime === false ? [] : ['-re']), '-stream_loop', '-1', '-f', 'concat', '-safe', '0', '-auto_convert', '0', '-i', opts.playlist];
  const encode = [
    '-map', '0:v:0', '-map', '0:a:0', '-c', 'copy',
    // The MP4 tags (avc1, mp4a) would be refused by the tee's FLV outputs; these are FLV's own ids for
    // H.264 and AAC (MPEG-TS ignores them).
    '-tag:v', '7', '-tag:a', '10',
  ];
  let output: string[];
  const extras: string[] = [];
  if (s.hlsDir) {
    const hls = 'f=hls:hls_time=2:hls_list_size=6:hls_flags=delete_segments+append_list+omit_endlist+discont_start';
    extras.push(`[${hls}]${teeEscape(hlsPlaylistFile(s.hlsDir, opts.channel))}`);
  }
  for (const url of s.extraRtmp ?? []) extras.push(`[f=flv:onfail=ignore]${teeEscape(url)}`);
  if (s.outputOverride) output = s.outputOverride;
  else if (extras.length === 0) output = ['-flvflags', 'no_duration_filesize', '-f', 'flv', opts.mainUrl];
  else output = ['-flags', '+global_header', '-f', 'tee', [`[f=flv]${teeEscape(opts.mainUrl)}`, ...extras].join('|')];
  return ['-hide_banner', '-nostdin', '-loglevel', 'warning', ...input, ...encode, '-progress', 'pipe:1', '-nostats', ...output];
}
