// The worker's local copies of store objects, named by their sha256 (content-addressed: two keys with one
// content share a file) and bounded in bytes; the least recently used go first. A copy is verified on every
// use: a wrong one is deleted and fetched again. Recency is the file's mtime, so it survives restarts.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FileRef } from '../shared/fileRef';
import { hashFile } from './fileHash';
import { writeFileAtomic } from './atomicFile';
import { checksumMismatch } from './failures';

/** Temp files older than this are from a crashed download. */
const STALE_TMP_MS = 60 * 60 * 1000;

export class FileCache {
  private lastTouch = 0;

  constructor(readonly dir: string, readonly maxBytes: number) {}

  /** Where `ref`'s content lives in the cache; keeps the key's extension for tools that look at names. */
  pathFor(ref: FileRef): string {
    const ext = path.posix.extname(ref.key);
    return path.join(this.dir, `${ref.sha256}${/^\.[A-Za-z0-9]{1,8}$/.test(ext) ? ext : ''}`);
  }

  /** The cached copy, verified (size and sha256) and marked as just used; undefined when absent or wrong. */
  async lookup(ref: FileRef): Promise<string | undefined> {
    const file = this.pathFor(ref);
    const st = await fs.stat(file).catch(() => null);
    if (!st) return undefined;
    if (st.size === ref.size && (await hashFile(file)).sha256 === ref.sha256) {
      await this.touch(file);
      return file;
    }
    await fs.rm(file, { force: true });
    return undefined;
  }

  /**
   * Has `download` write a temp file, verifies it against `ref`, renames it into place and evicts the
   * least recently used copies beyond the bound. A mismatch deletes the temp file and fails (retryable).
   */
  async insert(ref: FileRef, download: (tmpFile: string) => Promise<void>): Promise<string> {
    await fs.mkdir(this.dir, { recursive: true });
    const file = this.pathFor(ref);
    await writeFileAtomic(file, async (tmp) => {
      await download(tmp);
      const got = await hashFile(tmp);
      if (got.sha256 !== ref.sha256 || got.size !== ref.size) {
        throw checksumMismatch(`the copy of ${ref.key} fetched from the store (${got.size} bytes)`, ref.sha256, got.sha256);
      }
    }, { tmp: path.join(this.dir, `.${ref.sha256}.${randomUUID()}.tmp`) });
    await this.touch(file);
    await this.evict(file);
    return file;
  }

  /** Strictly increasing times, so uses within one millisecond keep their order. */
  private async touch(file: string): Promise<void> {
    this.lastTouch = Math.max(Date.now(), this.lastTouch + 1);
    const t = new Date(this.lastTouch);
    await fs.utimes(file, t, t);
  }

  /** Removes least recently used copies until the cache fits its bound; never `keep` (the one just fetched). */
  async evict(keep?: string): Promise<string[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const entries: { file: string; size: number; used: number }[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      const st = await fs.stat(file).catch(() => null);
      if (!st?.isFile()) continue;
      if (name.startsWith('.')) {
        if (Date.now() - st.mtimeMs > STALE_TMP_MS) await fs.rm(file, { force: true });
        continue;
      }
      entries.push({ file, size: st.size, used: st.mtimeMs });
    }
    let total = entries.reduce((s, e) => s + e.size, 0);
    const evicted: string[] = [];
    for (const e of entries.sort((a, b) => a.used - b.used)) {
      if (total <= this.maxBytes) break;
      if (e.file === keep) continue;
      await fs.rm(e.file, { force: true });
      total -= e.size;
      evicted.push(e.file);
    }
    return evicted;
  }
}
