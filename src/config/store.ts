// WEBTV_STORE and the standard AWS variables, read once at the edge. Hand-checked rather than with zod:
// each rule gives its own one-line message naming the variable to fix, which is most of the code.
import path from 'node:path';
import { keyProblem } from '../shared/storeKeys';

export interface S3Settings {
  bucket: string;
  /** "" or a key prefix ending in "/". */
  prefix: string;
  /** Unset means AWS itself. */
  endpoint?: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface CacheSettings {
  dir: string;
  maxBytes: number;
}

export type StoreSettings =
  | { kind: 'directory'; root: string; cache: CacheSettings }
  | { kind: 's3'; s3: S3Settings; cache: CacheSettings };

export const DEFAULT_CACHE_MAX_BYTES = 2 * 1024 ** 3;
const FORMAT = 'set WEBTV_STORE to a directory (e.g. /srv/webtv) or s3://bucket/prefix (e.g. s3://webtv/episodes), or unset it to use the data directory';
// S3's bucket naming rules (the part every S3-compatible service shares).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class StoreConfigError extends Error {
  override name = 'StoreConfigError';
}

export function parseByteSize(variable: string, value: string): number {
  const m = /^\s*(\d+)\s*(|B|KiB|MiB|GiB|TiB)\s*$/.exec(value);
  const units: Record<string, number> = { '': 1, B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
  if (!m || Number(m[1]) <= 0) throw new StoreConfigError(`${variable}=${JSON.stringify(value)} is not a size: use a positive number of bytes, optionally with KiB, MiB or GiB (e.g. 2GiB)`);
  return Number(m[1]) * units[m[2]];
}

function endpointFrom(env: NodeJS.ProcessEnv): string | undefined {
  const variable = env.AWS_ENDPOINT_URL_S3 ? 'AWS_ENDPOINT_URL_S3' : env.AWS_ENDPOINT_URL ? 'AWS_ENDPOINT_URL' : undefined;
  if (!variable) return undefined;
  const value = env[variable]!;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StoreConfigError(`${variable}=${JSON.stringify(value)} is not a URL: set it to the S3 endpoint, e.g. http://127.0.0.1:8333`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StoreConfigError(`${variable}=${JSON.stringify(value)} must be an http:// or https:// URL of the S3 endpoint, e.g. http://127.0.0.1:8333`);
  }
  return value;
}

function s3From(value: string, env: NodeJS.ProcessEnv): S3Settings {
  const rest = value.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (!BUCKET.test(bucket)) {
    throw new StoreConfigError(`WEBTV_STORE=${JSON.stringify(value)} has no valid bucket name: use 3–63 lowercase letters, digits, '.' or '-' (e.g. s3://webtv/episodes)`);
  }
  const badPrefix = prefix ? keyProblem(prefix) : undefined;
  if (badPrefix) throw new StoreConfigError(`WEBTV_STORE=${JSON.stringify(value)} has an invalid prefix: ${badPrefix.replace('a store key', 'the prefix')}`);
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  // Only the standard variables: no shared-config files or instance metadata, so what a worker uses is
  // what its environment says.
  if (!accessKeyId) throw new StoreConfigError('WEBTV_STORE names an S3 bucket but AWS_ACCESS_KEY_ID is not set: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  if (!secretAccessKey) throw new StoreConfigError('WEBTV_STORE names an S3 bucket but AWS_SECRET_ACCESS_KEY is not set: set it to the secret of AWS_ACCESS_KEY_ID');
  return {
    bucket,
    prefix: prefix ? `${prefix}/` : '',
    endpoint: endpointFrom(env),
    region: env.AWS_REGION || 'us-east-1',
    credentials: { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) },
  };
}

/** The store a worker uses: WEBTV_STORE, else the data directory (today's layout, no copies). */
export function storeSettingsFromEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): StoreSettings {
  const cache: CacheSettings = {
    // Under the worker's own data directory: workers on one box with different data directories share nothing.
    dir: path.join(dataDir, 'cache', 'store'),
    maxBytes: env.WEBTV_CACHE_MAX_BYTES ? parseByteSize('WEBTV_CACHE_MAX_BYTES', env.WEBTV_CACHE_MAX_BYTES) : DEFAULT_CACHE_MAX_BYTES,
  };
  const value = env.WEBTV_STORE?.trim();
  if (!value) return { kind: 'directory', root: path.resolve(dataDir), cache };
  if (value.startsWith('s3://')) return { kind: 's3', s3: s3From(value, env), cache };
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(value)) {
    throw new StoreConfigError(`WEBTV_STORE=${JSON.stringify(value)} is not supported: ${FORMAT}`);
  }
  if (/[\u0000-\u001F]/.test(value)) throw new StoreConfigError(`WEBTV_STORE contains a control character: ${FORMAT}`);
  return { kind: 'directory', root: path.resolve(value), cache };
}
