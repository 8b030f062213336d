// Where the on-air ffmpeg publishes, for a worker that runs broadcasts. WEBTV_PUBLISH_SECRET and the stream
// keys inside WEBTV_EXTRA_RTMP are secrets: they go into ffmpeg's arguments, never into a log. The value fits
// BroadcastSettings (src/activities/broadcast/onAirArgs.ts), which workers/deps.ts checks: config/ names no
// activity type, so imports run one way (activities and workers read config).
import { z } from 'zod';
import { parseVariables } from './env';
import { secretProblem } from './web';

const schema = z.object({
  WEBTV_RTMP_URL: z.string().regex(/^rtmps?:\/\/\S+$/, 'expected rtmp://host:port/app (the RTMP server the worker publishes to)').optional(),
  // Set but empty is refused: node-media-server would take an empty secret as "no publish check".
  WEBTV_PUBLISH_SECRET: z.string().superRefine((v, ctx) => {
    const problem = secretProblem('WEBTV_PUBLISH_SECRET', v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).optional(),
  WEBTV_HLS_DIR: z.string().optional(),
  WEBTV_EXTRA_RTMP: z.string().optional(),
});

function parse(env: NodeJS.ProcessEnv) {
  return parseVariables(schema, {
    WEBTV_RTMP_URL: env.WEBTV_RTMP_URL || undefined, WEBTV_PUBLISH_SECRET: env.WEBTV_PUBLISH_SECRET,
    WEBTV_HLS_DIR: env.WEBTV_HLS_DIR, WEBTV_EXTRA_RTMP: env.WEBTV_EXTRA_RTMP,
  });
}

/** WEBTV_EXTRA_RTMP: more rtmp(s):// destinations, separated by spaces. */
export function extraRtmpFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (parse(env).WEBTV_EXTRA_RTMP ?? '').split(/\s+/).filter(Boolean);
}

/** WEBTV_PUBLISH_SECRET: the RTMP server's publish secret (unset: the server makes one per run). */
export function publishSecretFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return parse(env).WEBTV_PUBLISH_SECRET;
}

/** A worker started on its own (`webtv worker`) can run broadcasts when WEBTV_RTMP_URL says where to publish. */
export function broadcastFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const e = parse(env);
  if (!e.WEBTV_RTMP_URL) return undefined;
  return {
    rtmpBase: e.WEBTV_RTMP_URL,
    publishSecret: e.WEBTV_PUBLISH_SECRET,
    hlsDir: e.WEBTV_HLS_DIR,
    extraRtmp: extraRtmpFromEnv(env),
  };
}
