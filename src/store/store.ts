// What every store does: a directory (the default: the data directory itself, no copies on one machine) or
// an S3-compatible bucket shared by workers on several machines. Errors are Temporal ApplicationFailures
// (failures.ts), retryable or not, so activities pass them on as they are.
import type { FileRef } from '../shared/fileRef';


export interface PutResult extends FileRef {
  /** The key already held this content: nothing was written. */
  reused: boolean;
}

/** Bytes this store instance moved, for the bench and the logs. */
export interface BytesMoved {
  uploaded: number;
  downloaded: number;
}

export interface Store {
  readonly kind: 'directory' | 's3';
  /** Where it is, for messages: a path or s3://bucket/prefix (never a secret). */
  readonly location: string;
  readonly moved: BytesMoved;
  /** Puts `localFile` at `key`, checksum verified; a key that already holds the same content is reused. */
  put(key: string, localFile: string, opts?: { signal?: AbortSignal }): Promise<PutResult>;
  /** A local path holding `ref`'s content (the file itself in a directory store, else a cached copy). */
  fetch(ref: FileRef, opts?: { signal?: AbortSignal }): Promise<string>;
  /** Removes these keys, or every key under a prefix ending in "/"; returns how many it removed. */
  remove(target: { keys: string[] } | { prefix: string }): Promise<number>;
  /** Every key under a prefix. */
  list(prefix: string): Promise<string[]>;
  /** Preflight: the store is there and usable with these settings; throws a message naming the variable to fix. */
  check(): Promise<void>;
  /** In a directory store, the file a key names (for people: `webtv episode make` prints it). */
  pathOf?(key: string): string;
  /** Releases connections (short-lived commands and tests). */
  close(): void;
}
