// The directory store: keys are paths under a root. With the root at the data directory (the default) an
// episode's files already sit at their keys, so a put copies nothing; with another root (a shared volume)
// a put is an atomic copy (temp name, checked, renamed into place).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { FileRef } from '../shared/fileRef';
import { hashFile } from './fileHash';
import { writeFileAtomic } from './atomicFile';
import { assertKey, assertPrefix } from '../shared/storeKeys';
import { checksumMismatch } from './failures';
import type { BytesMoved, PutResult, Store } from './store';

export class DirectoryStore implements Store {
  readonly kind = 'directory';
  readonly moved: BytesMoved = { uploaded: 0, downloaded: 0 };

  /** `variable`: what chose the root, for messages (WEBTV_STORE, or WEBTV_DATA_DIR by default). */
  constructor(readonly root: string, private readonly variable = 'WEBTV_STORE') {}

  get location(): string {
    return this.root;
  }

  pathOf(key: string): string {
    assertKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, localFile: string): Promise<PutResult> {
    const dest = this.pathOf(key);
    const { size, sha256 } = await hashFile(localFile);
    const ref = { key, size, sha256 };
    const [src, there] = await Promise.all([fs.stat(localFile), fs.stat(dest).catch(() => null)]);
    if (there && there.dev === src.dev && there.ino === src.ino) return { ...ref, reused: true };
    if (there?.size === size && (await hashFile(dest)).sha256 === sha256) return { ...ref, reused: true };
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await writeFileAtomic(dest, async (tmp) => {
      await fs.copyFile(localFile, tmp);
      const copied = await hashFile(tmp);
      if (copied.sha256 !== sha256) throw checksumMismatch(`the copy of ${localFile} at ${dest}`, sha256, copied.sha256);
    }, { tmp: path.join(path.dirname(dest), `.${path.basename(dest)}.${randomUUID()}.tmp`) });
    this.moved.uploaded += size;
    return { ...ref, reused: false };
  }

  /** The file itself; only its size is checked (reading it all would double the cost of every use). */
  async fetch(ref: FileRef): Promise<string> {
    const file = this.pathOf(ref.key);
    const st = await fs.stat(file).catch(() => null);
    if (!st) throw ApplicationFailure.nonRetryable(`${ref.key} is not in the store ${this.root} (removed by retention, or never put)`, 'StoreObjectMissing');
    if (st.size !== ref.size) {
      throw ApplicationFailure.nonRetryable(`${file} is ${st.size} bytes, but its reference says ${ref.size}: it was changed after it was put`, 'StoreChecksumMismatch');
    }
    return file;
  }

  async list(prefix: string): Promise<string[]> {
    assertPrefix(prefix);
    // S3 prefixes are plain string prefixes: walk the folder the prefix is in, keep what starts with it.
    const base = prefix.endsWith('/') ? prefix.slice(0, -1) : path.posix.dirname(prefix);
    const keys: string[] = [];
    const walk = async (rel: string): Promise<void> => {
      const entries = await fs.readdir(path.join(this.root, ...rel.split('/').filter(Boolean)), { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(key);
        else if (e.isFile() && key.startsWith(prefix)) keys.push(key);
      }
    };
    await walk(base === '.' ? '' : base);
    return keys.sort();
  }

  async remove(target: { keys: string[] } | { prefix: string }): Promise<number> {
    if ('keys' in target) {
      let n = 0;
      for (const key of target.keys) {
        const file = this.pathOf(key);
        if (await fs.stat(file).then(() => true, () => false)) n++;
        await fs.rm(file, { force: true });
      }
      return n;
    }
    const keys = await this.list(target.prefix);
    if (target.prefix.endsWith('/')) {
      await fs.rm(this.pathOf(target.prefix.slice(0, -1)), { recursive: true, force: true });
      return keys.length;
    }
    return this.remove({ keys });
  }

  async check(): Promise<void> {
    const probe = path.join(this.root, `.store-check-${randomUUID()}`);
    try {
      await fs.mkdir(this.root, { recursive: true });
      await fs.writeFile(probe, '');
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`the store directory ${this.root} is not writable (${(err as NodeJS.ErrnoException).code ?? err}): fix ${this.variable} or the folder's permissions`, 'StoreNotWritable');
    } finally {
      await fs.rm(probe, { force: true });
    }
  }

  close(): void {}
}
