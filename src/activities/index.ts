// Every activity the worker registers, built from its dependencies so tests can hand in their own.
import { storeOf, type ActivityDeps } from './deps';
import { createEpisodeActivities } from './episode/episode';
import { createDirectedActivities } from './episode/directed';
import { createBroadcastActivities } from './broadcast/index';
import { createChannelControlActivities } from './channelControl';
import { createModerationActivities } from './moderation/index';
import { createRewriteActivities } from './backends/shotlist/rewrite';

export function createActivities(given: ActivityDeps) {
  // One store for every activity of the worker (its byte counters are the worker's).
  const deps: ActivityDeps = { ...given, store: storeOf(given) };
  return {
    ...createEpisodeActivities(deps),
    ...createDirectedActivities(deps),
    ...createBroadcastActivities(deps),
    ...createChannelControlActivities(deps),
    ...createModerationActivities(deps),
    ...createRewriteActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
