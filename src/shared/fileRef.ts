// A file as workflow data names it: where it lives in the store, and what it must be. Pure (no Node
// imports): workflow code and shared types import it.

export interface FileRef {
  /** Store key in today's relative layout, e.g. `channels/news/episodes/00001/episode.mp4`. */
  key: string;
  size: number;
  /** Lowercase hex sha256 of the whole file. */
  sha256: string;
}
