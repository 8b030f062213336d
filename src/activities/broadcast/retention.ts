// Old episodes rotate off disk and out of the store: keep the newest N, plus any the channel still needs.
// The episodes are those with a folder here or keys in the store: with a bucket, the air worker that runs
// this may never have had the folders of episodes made on other machines.
import fs from 'node:fs/promises';
import path from 'node:path';
import { episodeKeyPrefix, episodesDir, episodesKeyPrefix } from '../episode/paths';
import type { Store } from '../../store/index';

export interface RetentionRequest {
  channel: string;
  keepLatest: number;
  /** Episode numbers queued, on air or in production: never removed. */
  protect: number[];
}

export async function removeOldEpisodes(dataDir: string, req: RetentionRequest, store?: Store): Promise<number[]> {
  const dir = episodesDir(dataDir, req.channel);
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const local = new Map(entries.filter((e) => e.isDirectory() && /^\d+$/.test(e.name)).map((e) => [Number(e.name), e.name]));
  const found = new Set(local.keys());
  const prefix = episodesKeyPrefix(req.channel);
  for (const key of store ? await store.list(prefix) : []) {
    const n = /^(\d+)\//.exec(key.slice(prefix.length))?.[1];
    if (n) found.add(Number(n));
  }
  const numbered = [...found].sort((a, b) => b - a);
  const protect = new Set(req.protect);
  const removed: number[] = [];
  for (const [i, n] of numbered.entries()) {
    if (i < req.keepLatest || protect.has(n)) continue;
    const name = local.get(n);
    if (name) await fs.rm(path.join(dir, name), { recursive: true, force: true });
    // The episode's folder as a key prefix (its keys are its files' paths under the data directory).
    await store?.remove({ prefix: episodeKeyPrefix(req.channel, n) });
    removed.push(n);
  }
  return removed.sort((a, b) => a - b);
}
