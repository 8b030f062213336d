// Where things live under the data directory. Channel names are validated (see shared/validation), so
// they are safe path segments; everything else in a path is ours.
import path from 'node:path';

/** Which episode a step belongs to (the channel keeps a finished one as an EpisodeRef, src/shared/channel.ts). */
export interface EpisodeId { channel: string; episode: number }

export function channelDir(dataDir: string, channel: string): string {
  return path.join(dataDir, 'channels', channel);
}

/** The folder of a channel's episode folders (each named by its number, 00001…). */
export function episodesDir(dataDir: string, channel: string): string {
  return path.join(channelDir(dataDir, channel), 'episodes');
}

export function episodeDir(dataDir: string, channel: string, episode: number): string {
  return path.join(episodesDir(dataDir, channel), String(episode).padStart(5, '0'));
}

/** The channel's air folder: its slots, playlists and standby clip (broadcast/playlist.ts). */
export function airDir(dataDir: string, channel: string): string {
  return path.join(channelDir(dataDir, channel), 'air');
}

/** Store key of a file in an episode's folder: its path relative to the data directory (src/shared/storeKeys.ts). */
export function episodeKey(channel: string, episode: number, name: string): string {
  return path.posix.join(...episodeDir('', channel, episode).split(path.sep), name);
}

/** Store key prefix of everything in one episode's folder. */
export function episodeKeyPrefix(channel: string, episode: number): string {
  return `${path.posix.join(...episodeDir('', channel, episode).split(path.sep))}/`;
}

/** Store key prefix of everything in a channel's episode folders. */
export function episodesKeyPrefix(channel: string): string {
  return `${path.posix.join(...episodesDir('', channel).split(path.sep))}/`;
}
