// What `webtv start` runs and where: the channel, the bind address, the five ports, HLS, extra RTMP
// destinations and the audience features, on top of the process settings (settings.ts) and the Temporal
// connection (temporal.ts says why that one is read by the SDK's loader). The value fits servers/stack.ts's
// StackOptions, which its callers check: config/ names no type of the code that reads it.
import { z } from 'zod';
import { temporalTarget } from '../temporal/connection';
import { extraRtmpFromEnv } from './broadcast';
import { readSettings } from './settings';
import { webSecretsFromEnv } from './web';
import { loadShowFile } from './showFile';

const port = (name: string, dflt: number) => z.string().optional().transform((v, ctx) => {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    ctx.addIssue({ code: 'custom', message: `${name}=${v} is not a port number (1-65535)` });
    return z.NEVER;
  }
  return n;
});

const schema = z.object({
  WEBTV_CHANNEL: z.string().optional(),
  WEBTV_BIND: z.string().optional(),
  WEBTV_TEMPORAL_PORT: port('WEBTV_TEMPORAL_PORT', 7233),
  WEBTV_TEMPORAL_UI_PORT: port('WEBTV_TEMPORAL_UI_PORT', 8233),
  WEBTV_RTMP_PORT: port('WEBTV_RTMP_PORT', 1935),
  WEBTV_FLV_PORT: port('WEBTV_FLV_PORT', 8000),
  WEBTV_WEB_PORT: port('WEBTV_WEB_PORT', 8080),
  WEBTV_HLS: z.string().optional(),
  WEBTV_AUDIENCE: z.string().optional(),
  /** A show file: the channel's episodes are directed from it (docs/show.schema.json). */
  WEBTV_SHOW: z.string().optional(),
});

export function stackOptionsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const s = readSettings(env);
  const temporal = temporalTarget(env);
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues[0].message);
  const e = parsed.data;
  const { controlToken } = webSecretsFromEnv(env);
  return {
    dataDir: s.dataDir,
    ...(temporal.configured ? { temporal } : {}),
    taskQueue: s.taskQueue,
    roles: s.roles,
    airHost: s.airHost,
    channel: e.WEBTV_CHANNEL || 'default',
    bind: e.WEBTV_BIND || '127.0.0.1',
    ports: {
      temporal: e.WEBTV_TEMPORAL_PORT,
      temporalUi: e.WEBTV_TEMPORAL_UI_PORT,
      rtmp: e.WEBTV_RTMP_PORT,
      flv: e.WEBTV_FLV_PORT,
      web: e.WEBTV_WEB_PORT,
    },
    hls: e.WEBTV_HLS === '1',
    extraRtmp: extraRtmpFromEnv(env),
    ...(controlToken ? { controlToken } : {}),
    ...(e.WEBTV_AUDIENCE === '1' || e.WEBTV_SHOW ? {
      channelOptions: { ...(e.WEBTV_AUDIENCE === '1' ? { audience: true } : {}), ...(e.WEBTV_SHOW ? { show: showFromEnv(e.WEBTV_SHOW) } : {}) },
    } : {}),
  };
}

function showFromEnv(file: string) {
  try {
    return loadShowFile(file);
  } catch (err) {
    throw new Error(`WEBTV_SHOW: ${(err as Error).message}`);
  }
}
