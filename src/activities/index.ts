// Every activity the worker registers, built from its dependencies so tests can hand in their own.
import type { BackendRegistry } from './backends';
import { createEpisodeActivities } from './episode';
import { createBroadcastActivities, type BroadcastSettings } from './broadcast/index';
import { createChannelControlActivities } from './channelControl';

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
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createEpisodeActivities(deps),
    ...createBroadcastActivities(deps),
    ...createChannelControlActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
