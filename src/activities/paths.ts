// Where things live under the data directory. Channel names are validated (see shared/validation), so
// they are safe path segments; everything else in a path is ours.
import path from 'node:path';

export function channelDir(dataDir: string, channel: string): string {
  return path.join(dataDir, 'channels', channel);
}

export function episodeDir(dataDir: string, channel: string, episode: number): string {
  return path.join(channelDir(dataDir, channel), 'episodes', String(episode).padStart(5, '0'));
}
