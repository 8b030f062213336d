// Process-wide settings from the environment, read once at the edge and validated. Every variable the product
// reads is read in src/config (one module per area); the Temporal connection has the SDK's own loader (temporal.ts).
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { invalidVariable, parseVariables } from './env';
import { HOST_ID_PATTERN, HOST_ID_RULE, hostIdFrom, parseRoles, type Role } from '../shared/taskQueues';

const schema = z.object({
  WEBTV_TASK_QUEUE: z.string().min(1).default('webtv'),
  WEBTV_DATA_DIR: z.string().min(1).default('./.webtv'),
  WEBTV_LOG: z.enum(['warn', 'info', 'debug']).default('warn'),
  // A port (served on loopback) or host:port, e.g. 0.0.0.0:9464 in a container.
  WEBTV_METRICS_PORT: z.string().regex(/^(?:[\w.-]+:)?\d{1,5}$/, 'expected a port (9464) or host:port (0.0.0.0:9464)').optional(),
  // The roles a `webtv worker` runs when --roles is not given (src/shared/taskQueues.ts).
  WEBTV_ROLES: z.string().optional(),
  // This machine's air host id: its air worker polls <queue>-air-<id>. Default: the host name.
  WEBTV_AIR_HOST: z.string().regex(HOST_ID_PATTERN, HOST_ID_RULE).optional(),
});

export interface Settings {
  taskQueue: string;
  dataDir: string;
  /** Worker log level (the SDK's own lines stay quiet at warn). */
  logLevel: 'WARN' | 'INFO' | 'DEBUG';
  /** host:port of the worker's Prometheus exporter (Temporal SDK metrics), if any. */
  metricsAddress?: string;
  /** WEBTV_ROLES, when set (unset: the command's default, all three roles). */
  roles?: Role[];
  airHost: string;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const e = parseVariables(schema, env);
  let roles: Role[] | undefined;
  if (e.WEBTV_ROLES) {
    try {
      roles = parseRoles(e.WEBTV_ROLES);
    } catch (err) {
      throw invalidVariable('WEBTV_ROLES', (err as Error).message.replace('--roles', 'WEBTV_ROLES'));
    }
  }
  return {
    ...(roles ? { roles } : {}),
    airHost: e.WEBTV_AIR_HOST ?? hostIdFrom(os.hostname()),
    taskQueue: e.WEBTV_TASK_QUEUE,
    dataDir: path.resolve(e.WEBTV_DATA_DIR),
    logLevel: e.WEBTV_LOG === 'debug' ? 'DEBUG' : e.WEBTV_LOG === 'info' ? 'INFO' : 'WARN',
    ...(e.WEBTV_METRICS_PORT ? { metricsAddress: e.WEBTV_METRICS_PORT.includes(':') ? e.WEBTV_METRICS_PORT : `127.0.0.1:${e.WEBTV_METRICS_PORT}` } : {}),
  };
}

/** WEBTV_DEBUG: any value makes the CLI print a failure's stack under its one-line message. */
export function debugFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.WEBTV_DEBUG);
}

/** WEBTV_CHANNEL_CONFIG: the channel configuration `webtv spaces check` reads when --config is not given. */
export function channelConfigFileFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.WEBTV_CHANNEL_CONFIG || undefined;
}
