// Old episodes rotate off disk: keep the newest N folders, plus any the channel still needs.
import fs from 'node:fs/promises';
import path from 'node:path';
import { channelDir } from '../paths';

export interface RetentionRequest {
  channel: string;
  keepLatest: number;
  /** Episode numbers queued, on air or in production: never removed. */
  protect: number[];
}

export async function removeOldEpisodes(dataDir: string, req: RetentionRequest): Promise<number[]> {
  const dir = path.join(channelDir(dataDir, req.channel), 'episodes');
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const numbered = entries
    .filter((e) => e.isDirectory() && /^\d+$/.test(e.name))
    .map((e) => ({ n: Number(e.name), name: e.name }))
    .sort((a, b) => b.n - a.n);
  const protect = new Set(req.protect);
  const removed: number[] = [];
  for (const [i, e] of numbered.entries()) {
    if (i < req.keepLatest || protect.has(e.n)) continue;
    await fs.rm(path.join(dir, e.name), { recursive: true, force: true });
    removed.push(e.n);
  }
  return removed.sort((a, b) => a - b);
}
