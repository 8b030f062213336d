// A stable digest of a few values: the offline renderers derive their looks and the shot list from it, and
// the episode's steps name their outputs by it (same inputs, same file name, so a retry finds its output).
import { createHash } from 'node:crypto';

export function hashOf(...parts: (string | number)[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}
