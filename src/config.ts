// Process-wide settings from the environment, read once at the edge and validated.
import path from 'node:path';
import { z } from 'zod';

const schema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  WEBTV_TASK_QUEUE: z.string().min(1).default('webtv'),
  WEBTV_DATA_DIR: z.string().min(1).default('./.webtv'),
});

export interface Settings {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  dataDir: string;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`environment variable ${String(issue.path[0])} is invalid: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    temporalAddress: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.WEBTV_TASK_QUEUE,
    dataDir: path.resolve(e.WEBTV_DATA_DIR),
  };
}
