// What every activity factory takes: the worker's dependencies, built by the worker from its environment
// (src/workers/deps.ts) or handed in by tests. Types only, plus the one default: the store.
import type { BackendRegistry } from './backends/backends';
import type { BroadcastSettings } from './broadcast/onAirArgs';
import { dataDirStore, type Store } from '../store/index';

export interface OpenAISettings {
  baseURL?: string;
  apiKey?: string;
  model: string;
}

export interface ModerationSettings {
  /** Key for the moderation endpoint; without one only the local rules apply. */
  apiKey?: string;
  baseURL?: string;
  /** Default omni-moderation-latest. */
  model?: string;
  /** File of extra terms and /patterns/ (WEBTV_BLOCKLIST). */
  blocklistPath?: string;
}

export interface ActivityDeps {
  dataDir: string;
  /** kind → backend; must include 'offline'. */
  backends: BackendRegistry;
  /** For the OpenAI-compatible writer; read from the environment by the worker entry point. */
  openai?: OpenAISettings;
  /** Where the on-air ffmpeg publishes (the worker that runs broadcasts); secrets come from the environment. */
  broadcast?: BroadcastSettings;
  /** Moderation endpoint key and the WEBTV_BLOCKLIST file; without it only the shipped local rules apply. */
  moderation?: ModerationSettings;
  /** Set by the worker for its air role: this host's id and air task queue (what claimAir answers). */
  air?: { host: string; queue: string };
  /** Set by the worker for its media role: the task queue of this worker's own media steps (claimMediaWorker). */
  media?: { queue: string };
  /** Where episode files are put and fetched from; default: a directory store at dataDir (no copies). */
  store?: Store;
}

/** The store of these dependencies: the one given, else a directory store at dataDir. */
export function storeOf(deps: ActivityDeps): Store {
  return deps.store ?? dataDirStore(deps.dataDir);
}
