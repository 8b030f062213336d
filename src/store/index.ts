// The store a worker uses, from its settings (src/config/store.ts): a directory, or an S3-compatible bucket with a
// local content-addressed cache.
import { FileCache } from './cache';
import { storeSettingsFromEnv, type StoreSettings } from '../config/store';
import { DirectoryStore } from './directory';
import { S3Store } from './s3';
import type { Store } from './store';

export type { Store, PutResult, BytesMoved } from './store';
export { StoreConfigError, storeSettingsFromEnv, type StoreSettings } from '../config/store';

export function createStore(settings: StoreSettings, env: NodeJS.ProcessEnv = process.env): Store {
  if (settings.kind === 'directory') return new DirectoryStore(settings.root, env.WEBTV_STORE ? 'WEBTV_STORE' : 'WEBTV_DATA_DIR');
  return new S3Store(settings.s3, new FileCache(settings.cache.dir, settings.cache.maxBytes));
}

/** The default: the data directory itself, where episode files already sit at their keys (no copies). */
export function dataDirStore(dataDir: string): Store {
  return new DirectoryStore(dataDir, 'WEBTV_DATA_DIR');
}

export function storeFromEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): Store {
  return createStore(storeSettingsFromEnv(dataDir, env), env);
}
