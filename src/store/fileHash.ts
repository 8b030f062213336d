// sha256 and size of a file, read as a stream (episodes are megabytes; never the whole file in memory).
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}
