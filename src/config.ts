// Process-wide settings from the environment, read once at the edge and validated. The Temporal connection
// has its own loader (src/temporal/connection.ts: the SDK's profiles and TEMPORAL_* variables).
import path from 'node:path';
import { z } from 'zod';

const schema = z.object({
  WEBTV_TASK_QUEUE: z.string().min(1).default('webtv'),
  WEBTV_DATA_DIR: z.string().min(1).default('./.webtv'),
});

export interface Settings {
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
    taskQueue: e.WEBTV_TASK_QUEUE,
    dataDir: path.resolve(e.WEBTV_DATA_DIR),
  };
}
