// One place that turns what an S3 service or the network says into a Temporal ApplicationFailure: retryable
// when waiting can help (network, 5xx, throttling), not when a person must fix something (credentials, the
// bucket, the key) — and then the message names the variable to fix. Activities rethrow these as they are.
import { ApplicationFailure } from '@temporalio/common';

export interface FailureContext {
  /** What was being done, e.g. `put channels/x/episodes/00001/episode.mp4`. */
  what: string;
  bucket: string;
  /** s3://bucket/prefix */
  location: string;
  endpoint?: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  errors?: { code?: string }[];
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

function networkCode(e: SdkLikeError): string | undefined {
  const code = e.code ?? e.errors?.find((x) => x.code)?.code;
  if (code && NETWORK_CODES.has(code)) return code;
  if (e.name === 'TimeoutError' || e.name === 'RequestTimeout') return 'timeout';
  return undefined;
}

export function storeFailure(err: unknown, ctx: FailureContext): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e = (err ?? {}) as SdkLikeError;
  const status = e.$metadata?.httpStatusCode;
  const endpoint = ctx.endpoint ?? 'AWS S3';
  const said = `${e.name ?? 'Error'}${status ? ` ${status}` : ''}`;
  const fail = (type: string, message: string, retryable: boolean) => ApplicationFailure.create({ type, message: `cannot ${ctx.what} in ${ctx.location}: ${message}`, nonRetryable: !retryable, cause: err instanceof Error ? err : undefined });

  const net = networkCode(e);
  if (net) return fail('StoreUnreachable', `the S3 endpoint ${endpoint} is unreachable (${net}): check AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL) and that the service is running`, true);
  switch (e.name) {
    case 'AbortError':
      return fail('StoreAborted', 'cancelled', false);
    case 'NoSuchBucket':
      return fail('StoreBucketMissing', `the bucket "${ctx.bucket}" does not exist at ${endpoint}: create it, or fix the bucket in WEBTV_STORE`, false);
    case 'NoSuchKey':
      return fail('StoreObjectMissing', 'the object is not in the bucket (removed by retention, or never put)', false);
    case 'SignatureDoesNotMatch':
      return fail('StoreCredentials', `the S3 service rejected the request signature (${said}): AWS_SECRET_ACCESS_KEY is not the secret of AWS_ACCESS_KEY_ID; fix AWS_SECRET_ACCESS_KEY`, false);
    case 'InvalidAccessKeyId':
      return fail('StoreCredentials', `the S3 service does not know the access key (${said}): fix AWS_ACCESS_KEY_ID`, false);
    case 'AccessDenied':
      return fail('StoreAccessDenied', `access denied (${said}): give the identity of AWS_ACCESS_KEY_ID access to the bucket, or fix WEBTV_STORE`, false);
    case 'SlowDown':
    case 'ServiceUnavailable':
    case 'InternalError':
    case 'RequestTimeTooSkewed':
      return fail('StoreServerError', `the S3 service answered ${said}: retrying`, true);
  }
  if (status === 404) return fail('StoreBucketMissing', `not found (${said}) at ${endpoint}: check that the bucket in WEBTV_STORE exists`, false);
  if (status === 403) return fail('StoreAccessDenied', `forbidden (${said}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and the bucket in WEBTV_STORE`, false);
  if ((status !== undefined && status >= 500) || e.$fault === 'server' || status === 429) {
    return fail('StoreServerError', `the S3 service answered ${said}: retrying`, true);
  }
  if (status !== undefined && status >= 400) return fail('StoreRequestRefused', `the S3 service refused the request (${said}: ${e.message ?? ''})`, false);
  // Anything else (a stream cut mid-transfer, an unexpected SDK error): worth another attempt.
  return fail('StoreError', `${said}: ${e.message ?? String(err)}`, true);
}

export function checksumMismatch(what: string, expected: string, got: string): ApplicationFailure {
  return ApplicationFailure.retryable(`${what}: sha256 ${got} does not match the expected ${expected}; the bad copy was deleted and will be fetched again`, 'StoreChecksumMismatch');
}
