// Files that readers see whole or not at all: written under a temporary name beside the final one, then
// renamed into place (atomic within one filesystem). Every file the product writes for another reader goes
// through here: manifests, shot lists, made media, the mux, air slots and playlists, store copies.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';

export interface AtomicWrite {
  /** The temporary file (default `<file>.<uuid>.tmp`): callers whose writer reads the name (ffmpeg's format, an attempt number) choose it. */
  tmp?: string;
}

/**
 * Writes `data`, or has `make` write the temporary file it is given (and check it: a throw leaves `file` as
 * it was), then renames that into `file`. The temporary file is removed whatever happens. Returns what
 * `make` returns. No fsync: a crash may lose the new file, never leave half of one.
 */
export async function writeFileAtomic(file: string, data: string | Buffer, o?: AtomicWrite): Promise<void>;
export async function writeFileAtomic<T>(file: string, make: (tmp: string) => Promise<T>, o?: AtomicWrite): Promise<T>;
export async function writeFileAtomic<T>(file: string, content: string | Buffer | ((tmp: string) => Promise<T>), o: AtomicWrite = {}): Promise<T | void> {
  const tmp = o.tmp ?? `${file}.${randomUUID()}.tmp`;
  try {
    const made = typeof content === 'function' ? await content(tmp) : await fs.writeFile(tmp, content);
    await fs.rename(tmp, file);
    return made;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
