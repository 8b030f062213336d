// The S3 store: any S3-compatible service (AWS S3, R2, MinIO, SeaweedFS) through the AWS SDK, multipart
// uploads through @aws-sdk/lib-storage. Each object carries the sha256 of the whole file as metadata: a
// multipart upload's own checksum is a checksum of part checksums (`…-N`), not one value to compare with.
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, paginateListObjectsV2,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import type { S3Settings } from '../config/store';
import type { FileCache } from './cache';
import type { FileRef } from '../shared/fileRef';
import { hashFile } from './fileHash';
import { assertKey, assertPrefix } from '../shared/storeKeys';
import { checksumMismatch, storeFailure } from './failures';
import type { BytesMoved, PutResult, Store } from './store';

/** Metadata name of our whole-file sha256 (sent as x-amz-meta-sha256). */
const SHA_META = 'sha256';
const PART_SIZE = 8 * 1024 * 1024;

export class S3Store implements Store {
  readonly kind = 's3';
  readonly location: string;
  readonly moved: BytesMoved = { uploaded: 0, downloaded: 0 };
  private readonly client: S3Client;

  constructor(private readonly s: S3Settings, private readonly cache: FileCache) {
    this.location = `s3://${s.bucket}/${s.prefix}`;
    this.client = new S3Client({
      region: s.region,
      credentials: s.credentials,
      ...(s.endpoint ? { endpoint: s.endpoint, forcePathStyle: true } : {}),
      maxAttempts: 3,
      // An endpoint that does not answer fails fast; a slow transfer is not cut while bytes flow.
      requestHandler: { connectionTimeout: 5_000, socketTimeout: 120_000 },
    });
  }

  private objectKey(key: string): string {
    return `${this.s.prefix}${key}`;
  }

  private failure(err: unknown, what: string): ApplicationFailure {
    return storeFailure(err, { what, bucket: this.s.bucket, location: this.location, endpoint: this.s.endpoint });
  }

  private async head(key: string, signal?: AbortSignal): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.s.bucket, Key: this.objectKey(key) }), { abortSignal: signal });
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return undefined;
      throw this.failure(err, `look up ${key}`);
    }
  }

  async put(key: string, localFile: string, opts: { signal?: AbortSignal } = {}): Promise<PutResult> {
    assertKey(key);
    const { size, sha256 } = await hashFile(localFile);
    const ref = { key, size, sha256 };
    const present = await this.head(key, opts.signal);
    if (present && present.ContentLength === size && present.Metadata?.[SHA_META] === sha256) return { ...ref, reused: true };
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.s.bucket,
        Key: this.objectKey(key),
        Body: fs.createReadStream(localFile),
        Metadata: { [SHA_META]: sha256 },
        // The service checks each part as it arrives.
        ChecksumAlgorithm: 'SHA256',
      },
      partSize: PART_SIZE,
      queueSize: 2,
    });
    const abort = () => void upload.abort().catch(() => {});
    opts.signal?.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
    } catch (err) {
      throw this.failure(err, `put ${key}`);
    } finally {
      opts.signal?.removeEventListener('abort', abort);
    }
    this.moved.uploaded += size;
    const stored = await this.head(key, opts.signal);
    if (!stored || stored.ContentLength !== size || stored.Metadata?.[SHA_META] !== sha256) {
      throw checksumMismatch(`${key} as stored in ${this.location} (${stored?.ContentLength ?? 'no'} bytes)`, sha256, stored?.Metadata?.[SHA_META] ?? 'none');
    }
    return { ...ref, reused: false };
  }

  async fetch(ref: FileRef, opts: { signal?: AbortSignal } = {}): Promise<string> {
    assertKey(ref.key);
    const cached = await this.cache.lookup(ref);
    if (cached) return cached;
    return this.cache.insert(ref, async (tmp) => {
      try {
        const res = await this.client.send(new GetObjectCommand({ Bucket: this.s.bucket, Key: this.objectKey(ref.key) }), { abortSignal: opts.signal });
        const out = fs.createWriteStream(tmp);
        await pipeline(res.Body as Readable, out, ...(opts.signal ? [{ signal: opts.signal }] : []));
        this.moved.downloaded += out.bytesWritten;
      } catch (err) {
        throw this.failure(err, `fetch ${ref.key}`);
      }
    });
  }

  async list(prefix: string): Promise<string[]> {
    assertPrefix(prefix);
    const keys: string[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.s.bucket, Prefix: this.objectKey(prefix) })) {
        for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key.slice(this.s.prefix.length));
      }
    } catch (err) {
      throw this.failure(err, `list ${prefix}`);
    }
    return keys;
  }

  async remove(target: { keys: string[] } | { prefix: string }): Promise<number> {
    const keys = 'keys' in target ? target.keys : await this.list(target.prefix);
    keys.forEach((k) => assertKey(k));
    // One DeleteObject per key: an episode has a handful, and every S3-compatible service has this call.
    for (const key of keys) {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.s.bucket, Key: this.objectKey(key) }));
      } catch (err) {
        throw this.failure(err, `remove ${key}`);
      }
    }
    return keys.length;
  }

  /** Lists one key: a GET, so the service says why it refuses (a HEAD's 403 or 404 has no reason). */
  async check(): Promise<void> {
    try {
      await this.client.send(new ListObjectsV2Command({ Bucket: this.s.bucket, Prefix: this.s.prefix, MaxKeys: 1 }));
    } catch (err) {
      throw this.failure(err, 'use the store');
    }
  }

  /** Closes the SDK's sockets (tests and short-lived commands). */
  close(): void {
    this.client.destroy();
  }
}
