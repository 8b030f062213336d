// Where things live under the data directory. Channel names are validated (see shared/validation), so
// they are safe path segments; everything else in a path is ours.
import path from 'node:path';

/** Which episode a step belongs to (the channel keeps a finished one as an EpisodeRef, src/shared/channel.ts). */
export interface EpisodeId { channel: string; episode: number }

export function channelDir(dataDir: string, channel: string): string {
  return path.join(dataDir, 'channels', channel);
}

export function episodeDir(dataDir: string, channel: string, episode: number): string {
  return path.join(channelDir(dataDir, channel), 'episodes', String(episode).padStart(5, '0'));
}

/** Store key of a file in an episode's folder: its path relative to the data directory (src/shared/storeKeys.ts). */
export function episodeKey(channel: string, episode: number, name: string): string {
  return path.posix.join(...episodeDir('', channel, episode).split(path.sep), name);
}

/** Store key prefix of everything in a channel's episode folders. */
export function episodesKeyPrefix(channel: string): string {
  return `${path.posix.join(...channelDir('', channel).split(path.sep), 'episodes')}/`;
}
