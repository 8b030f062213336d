// Every activity the worker registers, built from its dependencies so tests can hand in their own.
import type { BackendRegistry } from './backends/backends';
import { dataDirStore, type Store } from '../store/index';
import { createEpisodeActivities } from './episode/episode';
import { createBroadcastActivities, type BroadcastSettings } from './broadcast/index';
import { createChannelControlActivities } from './channelControl';
import { createModerationActivities, type ModerationSettings } from './moderation/index';
import { createRewriteActivities } from './backends/shotlist/rewrite';

export interface OpenAISettings {
  baseURL?: string;
  apiKey?: string;
  model: string;
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

/** The dependencies as the activity factories get them: the store resolved once for the whole worker. */
export type WorkerDeps = ActivityDeps & { store: Store };

export function createActivities(given: ActivityDeps) {
  // One store for every activity of the worker (its byte counters are the worker's).
  const deps: WorkerDeps = { ...given, store: given.store ?? dataDirStore(given.dataDir) };
  return {
    ...createEpisodeActivities(deps),
    ...createBroadcastActivities(deps),
    ...createChannelControlActivities(),
    ...createModerationActivities(deps),
    ...createRewriteActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
