// What an episode's folder keeps. Raw lossless intermediates are most of an episode's bytes (a 3-s
// interpolated shot is ~64 MB of raw video), so each one goes once the step that reads it has completed, and
// a finished episode that passed the air gate keeps only what says what was aired and how it was made.
// Only this machine's files directly inside the episode's folder are removed: never a store's objects, never
// the store cache's fetched copies (content-addressed, shared, and bounded by their own LRU).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { keepIntermediatesFromEnv } from '../../config/media';
import { ACTIVITY_LOG } from './artifacts';
import { episodesDir } from './paths';

/** Everything a finished, aired episode's folder keeps; the rest (intermediates, scratch, tmp files) goes. */
export const FINISHED_EPISODE_FILES: readonly string[] = ['episode.mp4', 'episode.vtt', 'manifest.json', 'screenplay.json', ACTIVITY_LOG];

/** WEBTV_KEEP_INTERMEDIATES, read at each use so a worker's operator can turn it on without a rebuild. */
function keepsIntermediates(): boolean {
  try {
    return keepIntermediatesFromEnv();
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`${(err as Error).message}; fix it in the worker's environment and restart the worker`, 'InvalidSetting');
  }
}

/**
 * Removes the inputs a step has just completed with (`paths`, as the step was given them). A retried step
 * still succeeds: produceMedia reuses the step's own output before it reads any input. Skips a path that is
 * not a file directly in `dir` (another machine's path, a fetched copy, a folder) and the finished files.
 * Returns the paths removed.
 */
export async function releaseInputs(dir: string, paths: readonly string[]): Promise<string[]> {
  if (keepsIntermediates()) return [];
  const folder = path.resolve(dir);
  const removed: string[] = [];
  for (const p of new Set(paths.map((x) => path.resolve(x)))) {
    if (path.dirname(p) !== folder || FINISHED_EPISODE_FILES.includes(path.basename(p))) continue;
    const st = await fs.lstat(p).catch(() => null);
    if (!st?.isFile()) continue;
    await fs.rm(p, { force: true });
    removed.push(p);
  }
  return removed;
}

/**
 * Leaves a finished episode's folder with FINISHED_EPISODE_FILES only: the intermediates every step made
 * (including ones a retry or an older run left), shot lists, scratch folders and tmp files go. Call it once
 * the episode is muxed and has passed the air gate. Returns the names removed.
 */
export async function keepOnlyFinished(dir: string): Promise<string[]> {
  if (keepsIntermediates()) return [];
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of entries) {
    if (FINISHED_EPISODE_FILES.includes(name)) continue;
    await fs.rm(path.join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * The air gate passed `episodePath` into a slot: if it is this machine's muxed episode of `channel` (its
 * folder holds the manifest), the folder keeps only the finished files. Never fails the swap: the episode is
 * on its way to air, and a folder left whole costs disk, not air time.
 */
export async function keepOnlyAired(dataDir: string, channel: string, episodePath: string): Promise<void> {
  const dir = path.dirname(path.resolve(episodePath));
  const mine = path.basename(episodePath) === 'episode.mp4' && path.dirname(dir) === path.resolve(episodesDir(dataDir, channel)) && /^\d+$/.test(path.basename(dir));
  if (!mine || !existsSync(path.join(dir, 'manifest.json'))) return;
  await keepOnlyFinished(dir).catch((err: Error) => {
    try {
      Context.current().log.warn('the aired episode\'s folder keeps its intermediates', { dir, error: err.message });
    } catch {
      // Not in an activity (a test calling it directly): nothing to log to.
    }
  });
}
