// Signed RTMP URLs for node-media-server 4.x, which has no stream keys: a publish (or play) URL carries
// `sign=<expiry>-<md5("/<app>/<name>-<expiry>-<secret>")>`.
import { createHash } from 'node:crypto';

export function signStreamPath(streamPath: string, secret: string, ttlSec = 24 * 3600, nowSec = Math.floor(Date.now() / 1000)): string {
  const exp = nowSec + ttlSec;
  return `${exp}-${createHash('md5').update(`${streamPath}-${exp}-${secret}`).digest('hex')}`;
}

/** `rtmp://host:1935/live` + channel → the URL to publish to, signed when a secret is given. */
export function publishUrl(rtmpBase: string, channel: string, secret?: string): string {
  const base = rtmpBase.replace(/\/+$/, '');
  const app = new URL(base).pathname; // "/live"
  const url = `${base}/${channel}`;
  return secret ? `${url}?sign=${signStreamPath(`${app}/${channel}`, secret)}` : url;
}

/** Hides signatures and stream keys in text that may be shown to people (ffmpeg errors). */
export function redactUrls(text: string): string {
  return text.replace(/(sign=)[^\s&'"]+/g, '$1<redacted>').replace(/(rtmps?:\/\/[^\s/]+\/[^\s/]+\/)[^\s'"]+/g, '$1<redacted>');
}
