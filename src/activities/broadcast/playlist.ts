// The air folder of a channel: a fixed ffconcat playlist naming slot files, looped by the on-air ffmpeg,
// and the atomic swap of what a slot file holds. ffmpeg never re-reads the playlist; it re-opens a slot
// file each time its turn comes, so renaming a new episode onto a slot that is not on air changes what
// airs next without touching the running process (docs/broadcast.md, "How it works").
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { BROADCAST_AUDIO, BROADCAST_VIDEO } from './airFormat';
import { SLOT_COUNT } from '../../shared/channel';
import { airDir } from '../episode/paths';
import { writeFileAtomic } from '../../store/atomicFile';

/** Changes with how the standby's audio is cut (whole AAC frames, no priming packet), so old ones are remade. */
const STANDBY_CUT = 'whole-aac-frames-no-priming';

export interface AirPaths {
  dir: string;
  slots: string[];
  standby: string;
  pidFile: string;
}

export function airPaths(dataDir: string, channel: string): AirPaths {
  const dir = airDir(dataDir, channel);
  return {
    dir,
    slots: Array.from({ length: SLOT_COUNT }, (_, i) => path.join(dir, `slot-${i}.mp4`)),
    // Named for the encoder settings it was made with, so a change of settings makes a new one.
    standby: path.join(dir, `standby-${createHash('sha1').update(JSON.stringify([BROADCAST_VIDEO, BROADCAST_AUDIO, STANDBY_CUT])).digest('hex').slice(0, 8)}.mp4`),
    pidFile: path.join(dir, 'ffmpeg.pid'),
  };
}

/** The playlist that starts at `startSlot` and then goes round the slots in order. */
export function playlistPath(air: AirPaths, startSlot: number): string {
  return path.join(air.dir, `from-slot-${startSlot}.ffconcat`);
}

/**
 * Quotes a path for an ffconcat `file` line. ffmpeg's tokenizer takes everything between single
 * quotes literally, so a quote is written as `'\''`. The demuxer reads the playlist line by line, so a
 * line break (or NUL) cannot be quoted at all and is refused.
 */
export function escapeFfconcatPath(p: string): string {
  if (/[\n\r\0]/.test(p)) {
    throw new Error(`cannot put ${JSON.stringify(p)} in a playlist: it contains a line break or NUL; rename the file or folder`);
  }
  return `'${p.replace(/'/g, `'\\''`)}'`;
}

export function ffconcatText(files: string[]): string {
  return ['ffconcat version 1.0', ...files.map((f) => `file ${escapeFfconcatPath(f)}`), ''].join('\n');
}

/** Writes one playlist per start slot. Entries are slot names relative to the playlist's own folder. */
export async function writePlaylists(air: AirPaths): Promise<void> {
  for (let start = 0; start < SLOT_COUNT; start++) {
    const order = Array.from({ length: SLOT_COUNT }, (_, i) => path.basename(air.slots[(start + i) % SLOT_COUNT]));
    const file = playlistPath(air, start);
    const text = ffconcatText(order);
    const current = await fs.readFile(file, 'utf8').catch(() => null);
    if (current !== text) await writeFileAtomic(file, text);
  }
}

export async function inodeOf(file: string): Promise<number | null> {
  try {
    return (await fs.stat(file)).ino;
  } catch {
    return null;
  }
}

/**
 * Puts `source` into slot `slot` by atomic rename: a hard link when possible (no copy, and the slot
 * keeps the episode even if retention removes its folder), a copy when the file is already in another
 * slot (every slot must have its own inode, which is how the on-air activity tells slots apart) or on
 * another filesystem. Re-running with the same source is a no-op. Returns the slot's inode.
 */
export async function installSlot(air: AirPaths, slot: number, source: string): Promise<number> {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) throw new Error(`slot ${slot} does not exist (0..${SLOT_COUNT - 1})`);
  const src = await fs.stat(source);
  const target = air.slots[slot];
  if ((await inodeOf(target)) === src.ino) return src.ino;
  const others = await Promise.all(air.slots.filter((_, i) => i !== slot).map(inodeOf));
  await writeFileAtomic(target, async (tmp) => {
    if (others.includes(src.ino)) {
      await fs.copyFile(source, tmp);
    } else {
      try {
        await fs.link(source, tmp);
      } catch {
        await fs.copyFile(source, tmp);
      }
    }
  }, { tmp: path.join(air.dir, `.slot-${slot}.${randomUUID()}.tmp.mp4`) });
  return (await fs.stat(target)).ino;
}

/**
 * Fills an empty slot with its own copy of `source` (a new inode, so slots never share one), without
 * replacing a slot that exists: link() refuses an existing name, so two callers racing here (the channel
 * and the on-air activity both prepare the air folder) cannot both install. Returns the slot's inode.
 */
export async function ensureSlot(air: AirPaths, slot: number, source: string): Promise<number> {
  const target = air.slots[slot];
  const existing = await inodeOf(target);
  if (existing !== null) return existing;
  const tmp = path.join(air.dir, `.slot-${slot}.${randomUUID()}.tmp.mp4`);
  try {
    await fs.copyFile(source, tmp);
    await fs.link(tmp, target).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return (await fs.stat(target)).ino;
}
