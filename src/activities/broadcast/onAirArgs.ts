// The on-air ffmpeg command: one process that loops the slot playlist for days, re-encodes to the
// broadcast's fixed 2-s GOP and pushes FLV to the RTMP server (and, optionally, HLS files and more RTMP
// targets from the same encode through the tee muxer).
import path from 'node:path';
import { BROADCAST } from '../../shared/types';

export interface BroadcastSettings {
  /** RTMP application URL the channel publishes under, e.g. rtmp://127.0.0.1:1935/live. */
  rtmpBase: string;
  /** node-media-server publish secret (signed URL); from the environment, never from workflow input. */
  publishSecret?: string;
  /** Write HLS for iOS / plain <video> under <hlsDir>/<channel>/index.m3u8. */
  hlsDir?: string;
  /** More RTMP targets (Twitch, YouTube…), full URLs with their keys. */
  extraRtmp?: string[];
  videoBitrateKbps?: number;
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
  const kbps = s.videoBitrateKbps ?? 2000;
  const gop = String(BROADCAST.fps * 2);
  const input = [...(s.realtime === false ? [] : ['-re']), '-stream_loop', '-1', '-f', 'concat', '-safe', '0', '-i', opts.playlist];
  const encode = [
    '-map', '0:v:0', '-map', '0:a:0',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', BROADCAST.pixFmt, '-r', String(BROADCAST.fps),
    '-g', gop, '-keyint_min', gop, '-sc_threshold', '0',
    '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps * 2}k`,
    '-c:a', 'aac', '-b:a', '128k', '-ar', String(BROADCAST.audioRate), '-ac', String(BROADCAST.audioChannels),
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
