// The episode file store against a real S3 server (SeaweedFS) and a real directory: round trips, reuse,
// the bounded cache, hostile keys, each configuration mistake's own message, and a restart of the service.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { execa } from 'execa';
import { startSeaweed, type TestSeaweed } from './helpers/seaweedfs';
import { freePort } from '../src/servers/temporalDevServer';
import { createStore, storeFromEnv, storeSettingsFromEnv, StoreConfigError, type Store } from '../src/store/index';
import { DirectoryStore } from '../src/store/directory';
import { hashFile } from '../src/store/fileHash';
import { removeOldEpisodes } from '../src/activities/broadcast/retention';

let sw: TestSeaweed;
let tmp: string;
const stores: Store[] = [];

before(async () => {
  sw = await startSeaweed();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-store-test-'));
});
after(async () => {
  for (const s of stores) s.close();
  await sw?.cleanup();
  if (tmp && !process.env.WEBTV_KEEP_TEST_DIRS) fs.rmSync(tmp, { recursive: true, force: true });
});

/** An S3 store on the test bucket, with its own data directory (and so its own cache). */
function s3Store(name: string, env: NodeJS.ProcessEnv = {}): { store: Store; dataDir: string; cacheDir: string } {
  const dataDir = path.join(tmp, name);
  const all = { ...sw.env(name), ...env };
  const store = storeFromEnv(dataDir, all);
  stores.push(store);
  return { store, dataDir, cacheDir: storeSettingsFromEnv(dataDir, all).cache.dir };
}

function randomFile(name: string, bytes: number): string {
  const file = path.join(tmp, 'files', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, randomBytes(bytes));
  return file;
}

/** Rejects with an ApplicationFailure of this type; returns it for further checks. */
async function failure(p: Promise<unknown>, type: string): Promise<ApplicationFailure> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure ${type}, got ${String(err)}`);
  assert.equal(err.type, type, err.message);
  return err;
}

const cacheFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

describe('S3 store on SeaweedFS', () => {
  it('round-trips a multipart file byte for byte, with its size and sha256 stored and verified', async () => {
    const { store, cacheDir } = s3Store('roundtrip');
    const file = randomFile('big.mp4', 20 * 1024 * 1024 + 123);
    const want = await hashFile(file);
    const ref = await store.put('channels/rt/episodes/00001/episode.mp4', file);
    assert.deepEqual(ref, { key: 'channels/rt/episodes/00001/episode.mp4', ...want, reused: false });
    const head = await sw.client().send(new HeadObjectCommand({ Bucket: sw.bucket, Key: 'roundtrip/channels/rt/episodes/00001/episode.mp4' }));
    assert.equal(head.ContentLength, want.size);
    assert.equal(head.Metadata?.sha256, want.sha256);

    const local = await store.fetch(ref);
    assert.equal(path.dirname(local), cacheDir);
    assert.ok(fs.readFileSync(local).equals(fs.readFileSync(file)), 'the fetched copy is byte-equal');
    assert.deepEqual(store.moved, { uploaded: want.size, downloaded: want.size });
  });

  it('reuses a key that already holds the same content: nothing is uploaded again', async () => {
    const { store } = s3Store('idempotent');
    const file = randomFile('idem.mp4', 300_000);
    const first = await store.put('channels/i/episodes/00001/episode.mp4', file);
    assert.equal(first.reused, false);
    const moved = { ...store.moved };
    const second = await store.put('channels/i/episodes/00001/episode.mp4', file);
    assert.equal(second.reused, true);
    assert.equal(second.sha256, first.sha256);
    assert.deepEqual(store.moved, moved, 'no bytes moved by the second put');
    // Another store instance (another worker) sees the same: the check is in the bucket, not in memory.
    const other = s3Store('idempotent').store;
    assert.equal((await other.put('channels/i/episodes/00001/episode.mp4', file)).reused, true);
    assert.equal(other.moved.uploaded, 0);
    // Different content at the same key is uploaded.
    const changed = randomFile('idem2.mp4', 300_000);
    const third = await store.put('channels/i/episodes/00001/episode.mp4', changed);
    assert.equal(third.reused, false);
    assert.equal(store.moved.uploaded, moved.uploaded + 300_000);
  });

  it('serves a cached copy without downloading again', async () => {
    const { store } = s3Store('cachehit');
    const ref = await store.put('channels/c/episodes/00001/episode.mp4', randomFile('hit.mp4', 200_000));
    const a = await store.fetch(ref);
    assert.equal(store.moved.downloaded, 200_000);
    const b = await store.fetch(ref);
    assert.equal(b, a);
    assert.equal(store.moved.downloaded, 200_000, 'the second fetch is a cache hit');
  });

  it('evicts the least recently used copies when the cache passes its byte bound', async () => {
    const size = 100 * 1024;
    const { store, cacheDir } = s3Store('lru', { WEBTV_CACHE_MAX_BYTES: String(Math.floor(size * 2.5)) });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => store.put(`channels/l/episodes/00001/${n}.mp4`, randomFile(`lru-${n}.mp4`, size))));
    await store.fetch(a);
    await store.fetch(b);
    await store.fetch(a); // a is now more recently used than b
    assert.equal(store.moved.downloaded, 2 * size);
    await store.fetch(c); // three copies do not fit: b, the least recently used, goes
    assert.deepEqual(cacheFiles(cacheDir), [`${a.sha256}.mp4`, `${c.sha256}.mp4`].sort());
    await store.fetch(a);
    assert.equal(store.moved.downloaded, 3 * size, 'a stayed cached');
    await store.fetch(b);
    assert.equal(store.moved.downloaded, 4 * size, 'b was evicted and downloaded again');
    assert.deepEqual(cacheFiles(cacheDir), [`${a.sha256}.mp4`, `${b.sha256}.mp4`].sort(), 'c (now least recent) went');
  });

  it('detects a corrupted cached copy and fetches it again; a wrong object is a retryable mismatch that leaves nothing', async () => {
    const { store, cacheDir } = s3Store('corrupt');
    const file = randomFile('corrupt.mp4', 150_000);
    const ref = await store.put('channels/x/episodes/00001/episode.mp4', file);
    const local = await store.fetch(ref);
    const bytes = fs.readFileSync(local);
    bytes[1000] ^= 0xff;
    fs.writeFileSync(local, bytes);
    const again = await store.fetch(ref);
    assert.ok(fs.readFileSync(again).equals(fs.readFileSync(file)), 'the re-fetched copy is right');
    assert.equal(store.moved.downloaded, 2 * 150_000, 'the bad copy was downloaded again');

    // The object in the bucket no longer matches the ref (changed behind the store's back).
    await sw.client().send(new PutObjectCommand({ Bucket: sw.bucket, Key: 'corrupt/channels/x/episodes/00002/episode.mp4', Body: randomBytes(1000) }));
    const wrong = { key: 'channels/x/episodes/00002/episode.mp4', size: 1000, sha256: 'a'.repeat(64) };
    const err = await failure(store.fetch(wrong), 'StoreChecksumMismatch');
    assert.equal(err.nonRetryable, false, 'a mismatch is retryable');
    assert.match(err.message, /does not match/);
    assert.deepEqual(cacheFiles(cacheDir), [`${ref.sha256}.mp4`], 'the bad download was deleted');
  });

  it('refuses hostile keys in both stores, writing nothing', async () => {
    const { store } = s3Store('hostile');
    const dir = new DirectoryStore(path.join(tmp, 'hostile-dir'));
    const file = randomFile('h.mp4', 100);
    for (const key of ['../escape.mp4', 'a/../../escape.mp4', '/etc/passwd', 'a\\b.mp4', 'a//b.mp4', 'a/./b.mp4', 'a\u0000b', 'a\nb', '', 'a/']) {
      for (const s of [store, dir]) {
        const err = await failure(s.put(key, file), 'StoreInvalidKey');
        assert.equal(err.nonRetryable, true);
        await failure(s.fetch({ key, size: 100, sha256: '0'.repeat(64) }), 'StoreInvalidKey');
      }
      await failure(dir.remove({ keys: [key] }), 'StoreInvalidKey');
    }
    assert.equal(fs.existsSync(path.join(tmp, 'escape.mp4')), false);
    assert.equal(store.moved.uploaded + dir.moved.uploaded, 0);
  });

  it('gives each configuration mistake its own one-line message naming the variable to fix', async () => {
    const base = sw.env('cfg');
    const configError = (env: NodeJS.ProcessEnv) => {
      try {
        storeFromEnv(path.join(tmp, 'cfg'), env);
      } catch (err) {
        assert.ok(err instanceof StoreConfigError, String(err));
        assert.doesNotMatch(err.message, /\n/);
        return err.message;
      }
      assert.fail(`no error for ${JSON.stringify(env)}`);
    };
    assert.match(configError({ ...base, WEBTV_STORE: 'gs://webtv/x' }), /^WEBTV_STORE="gs:\/\/webtv\/x" is not supported: set WEBTV_STORE to a directory .* or s3:\/\/bucket\/prefix/);
    assert.match(configError({ ...base, WEBTV_STORE: 's3://' }), /WEBTV_STORE="s3:\/\/" has no valid bucket name/);
    assert.match(configError({ ...base, WEBTV_STORE: 's3://Bad_Bucket/x' }), /WEBTV_STORE=.* has no valid bucket name/);
    assert.match(configError({ ...base, WEBTV_STORE: 's3://webtv/a/../b' }), /WEBTV_STORE=.* has an invalid prefix/);
    assert.match(configError({ ...base, AWS_ACCESS_KEY_ID: '' }), /AWS_ACCESS_KEY_ID is not set/);
    assert.match(configError({ ...base, AWS_SECRET_ACCESS_KEY: undefined }), /AWS_SECRET_ACCESS_KEY is not set/);
    assert.match(configError({ ...base, AWS_ENDPOINT_URL_S3: 'localhost:8333' }), /^AWS_ENDPOINT_URL_S3=.* must be an http/);
    assert.match(configError({ ...base, AWS_ENDPOINT_URL_S3: undefined, AWS_ENDPOINT_URL: 'not a url' }), /^AWS_ENDPOINT_URL=.* is not a URL/);
    assert.match(configError({ ...base, WEBTV_CACHE_MAX_BYTES: 'lots' }), /^WEBTV_CACHE_MAX_BYTES=.* is not a size/);
    // Unset: the data directory itself, as a directory store.
    const dflt = createStore(storeSettingsFromEnv(path.join(tmp, 'cfg'), {}));
    assert.equal(dflt.kind, 'directory');
    assert.equal(dflt.location, path.join(tmp, 'cfg'));

    // What only the service can tell: each its own message, not retryable, naming the variable.
    const checks: [NodeJS.ProcessEnv, string, RegExp][] = [
      [{ WEBTV_STORE: 's3://no-such-bucket/x' }, 'StoreBucketMissing', /bucket "no-such-bucket" does not exist .*fix the bucket in WEBTV_STORE/],
      [{ AWS_SECRET_ACCESS_KEY: 'wrong-secret' }, 'StoreCredentials', /signature.*fix AWS_SECRET_ACCESS_KEY/],
      [{ AWS_ACCESS_KEY_ID: 'nobody' }, 'StoreCredentials', /does not know the access key.*fix AWS_ACCESS_KEY_ID/],
    ];
    const messages: string[] = [];
    for (const [env, type, message] of checks) {
      const store = s3Store('cfg', env).store;
      const err = await failure(store.check(), type);
      assert.match(err.message, message);
      assert.equal(err.nonRetryable, true, `${type} is not retryable`);
      assert.doesNotMatch(err.message, new RegExp(sw.secretAccessKey), 'no secret in a message');
      messages.push(err.message);
    }
    const down = s3Store('cfg', { AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${await freePort()}` }).store;
    const unreachable = await failure(down.check(), 'StoreUnreachable');
    assert.match(unreachable.message, /unreachable \(ECONNREFUSED\): check AWS_ENDPOINT_URL_S3/);
    assert.equal(unreachable.nonRetryable, false, 'an unreachable endpoint is worth retrying');
    messages.push(unreachable.message);
    assert.equal(new Set(messages).size, messages.length, 'every failure mode says something different');
    // And the right settings pass.
    await s3Store('cfg').store.check();
  });

  it('webtv worker checks the store before it starts: a missing bucket or a wrong secret stops it with the variable to fix', async () => {
    const run = (env: NodeJS.ProcessEnv) => execa('node', ['bin/webtv.js', 'worker', '--roles', 'media'], {
      // An address nothing listens on: the store check must stop the worker before it ever connects.
      env: { ...sw.env('cli'), TEMPORAL_ADDRESS: '127.0.0.1:1', WEBTV_DATA_DIR: path.join(tmp, 'cli'), ...env }, reject: false, timeout: 60_000,
    });
    const missing = await run({ WEBTV_STORE: 's3://no-such-bucket/x' });
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /^webtv worker: cannot use the store in s3:\/\/no-such-bucket\/x\/: the bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+: create it, or fix the bucket in WEBTV_STORE$/m);
    assert.match(missing.stderr, /nothing was started/);
    const wrong = await run({ AWS_SECRET_ACCESS_KEY: 'wrong-secret' });
    assert.equal(wrong.exitCode, 1);
    assert.match(wrong.stderr, /fix AWS_SECRET_ACCESS_KEY/);
    assert.doesNotMatch(wrong.stderr + wrong.stdout, /wrong-secret/, 'no secret in the output');
  });

  it('retention removes old episodes from the bucket, also those with no folder on this worker', async () => {
    const { store, dataDir } = s3Store('retention');
    const file = randomFile('ret.mp4', 1000);
    for (const n of [1, 2, 3, 4]) {
      for (const name of ['episode.mp4', 'manifest.json']) await store.put(`channels/ret/episodes/0000${n}/${name}`, file);
    }
    // Episode 5 only has a folder here (made on this worker, not put yet).
    fs.mkdirSync(path.join(dataDir, 'channels', 'ret', 'episodes', '00005'), { recursive: true });
    const removed = await removeOldEpisodes(dataDir, { channel: 'ret', keepLatest: 2, protect: [1] }, store);
    assert.deepEqual(removed, [2, 3]);
    assert.deepEqual((await store.list('channels/ret/')).sort(), [
      'channels/ret/episodes/00001/episode.mp4', 'channels/ret/episodes/00001/manifest.json',
      'channels/ret/episodes/00004/episode.mp4', 'channels/ret/episodes/00004/manifest.json',
    ]);
    assert.ok(fs.existsSync(path.join(dataDir, 'channels', 'ret', 'episodes', '00005')));
  });

  it('fails a put while SeaweedFS is down with a retryable failure, and the retried put succeeds after it restarts', async () => {
    const { store } = s3Store('restart');
    const file = randomFile('restart.mp4', 500_000);
    await store.put('channels/r/episodes/00001/before.mp4', file);
    await sw.stop();
    let err: ApplicationFailure;
    try {
      err = await failure(store.put('channels/r/episodes/00001/episode.mp4', file), 'StoreUnreachable');
    } finally {
      await sw.start();
    }
    assert.equal(err.nonRetryable, false);
    assert.match(err.message, /AWS_ENDPOINT_URL_S3/);
    const ref = await store.put('channels/r/episodes/00001/episode.mp4', file);
    assert.equal(ref.reused, false);
    const local = await store.fetch(ref);
    assert.ok(fs.readFileSync(local).equals(fs.readFileSync(file)));
    // What was stored before the stop survived it.
    assert.equal((await store.put('channels/r/episodes/00001/before.mp4', file)).reused, true);
  });
});

describe('directory store', () => {
  it('copies nothing when the file is already at its key, and makes an atomic checked copy otherwise', async () => {
    const dataDir = path.join(tmp, 'dirstore');
    const key = 'channels/d/episodes/00001/episode.mp4';
    const atKey = path.join(dataDir, key);
    fs.mkdirSync(path.dirname(atKey), { recursive: true });
    fs.writeFileSync(atKey, randomBytes(64 * 1024));
    const ino = fs.statSync(atKey).ino;
    const here = createStore(storeSettingsFromEnv(dataDir, {}));
    const ref = await here.put(key, atKey);
    assert.equal(ref.reused, true);
    assert.equal(here.moved.uploaded, 0, 'no bytes copied');
    assert.equal(fs.statSync(atKey).ino, ino, 'the same file');
    assert.deepEqual(fs.readdirSync(path.dirname(atKey)), ['episode.mp4'], 'no copy or temp file beside it');
    assert.equal(await here.fetch(ref), atKey);

    // Another root (a shared volume): a copy, byte-equal, its own file; then reused.
    const shared = createStore(storeSettingsFromEnv(dataDir, { WEBTV_STORE: path.join(tmp, 'shared') }));
    const copied = await shared.put(key, atKey);
    assert.equal(copied.reused, false);
    const there = await shared.fetch(copied);
    assert.equal(there, path.join(tmp, 'shared', key));
    assert.notEqual(fs.statSync(there).ino, ino);
    assert.ok(fs.readFileSync(there).equals(fs.readFileSync(atKey)));
    assert.equal(shared.moved.uploaded, 64 * 1024);
    assert.equal((await shared.put(key, atKey)).reused, true);
    assert.equal(shared.moved.uploaded, 64 * 1024);
    assert.deepEqual(await shared.list('channels/d/'), [key]);
    assert.equal(await shared.remove({ prefix: 'channels/d/episodes/00001/' }), 1);
    await failure(shared.fetch(copied), 'StoreObjectMissing');
  });
});
