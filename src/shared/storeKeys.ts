// Store keys: relative, slash-separated, printable. They become file paths in a directory store and object
// names in a bucket, so a key that could climb out of its root or confuse either is refused. Here in shared/
// because the store checks keys with these rules and config/store.ts checks a WEBTV_STORE prefix with them.
import { ApplicationFailure } from '@temporalio/common';

const MAX_KEY_BYTES = 1024;
// C0/C1 control characters and DEL.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** Why `key` is not a safe store key, or undefined when it is. */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'a store key must be a non-empty string';
  if (new TextEncoder().encode(key).length > MAX_KEY_BYTES) return `a store key must be at most ${MAX_KEY_BYTES} bytes`;
  if (CONTROL.test(key)) return 'a store key must be printable (no control characters)';
  if (key.includes('\\')) return 'a store key must use "/" between parts, never a backslash';
  if (key.startsWith('/')) return 'a store key must be relative (no leading "/")';
  if (key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    return 'a store key must not contain empty, "." or ".." parts';
  }
  return undefined;
}

export function assertKey(key: unknown): asserts key is string {
  const problem = keyProblem(key);
  if (problem) throw ApplicationFailure.nonRetryable(`refused store key ${JSON.stringify(key)}: ${problem}`, 'StoreInvalidKey');
}

/** A prefix is a key, or a key followed by "/" (everything under it). */
export function assertPrefix(prefix: unknown): asserts prefix is string {
  assertKey(typeof prefix === 'string' ? prefix.replace(/\/$/, '') : prefix);
}
