// Which activities each worker role runs, and how many at once. A worker process runs one or more roles
// (`webtv worker --roles media,remote,air`; `npm start` runs all three), each on its own task queue
// (src/shared/taskQueues.ts); every process also runs the workflows on the base queue.
import os from 'node:os';
import type { Activities } from '../activities/index';
import type { Role } from '../shared/taskQueues';

type ActivityName = keyof Activities;

/**
 * The media steps dispatch on the backend kind, so the same activity runs on `media` for an offline
 * backend and on `remote` for a Gradio app; the workflow picks the queue (src/workflows/episode.ts).
 */
const MEDIA_STEPS = ['generateShot', 'upscaleShot', 'interpolateShot', 'composeMusic', 'voiceLine', 'makeSoundEffect'] as const satisfies readonly ActivityName[];

export const ROLE_ACTIVITIES = {
  // The writers run on media when offline and on remote when they call a model (episode.ts writerOptions).
  media: [...MEDIA_STEPS, 'writeShotList', 'writeScreenplay', 'mixEpisodeAudio', 'muxEpisode', 'claimMediaWorker'],
  remote: [...MEDIA_STEPS, 'writeShotList', 'writeScreenplay', 'moderate', 'rewriteShotPrompt'],
  /** On the host's own queue; claimAir also runs on the shared air queue (the only one there). */
  air: ['claimAir', 'prepareAir', 'swapSlot', 'retainEpisodes', 'onAir'],
} as const satisfies Record<Role, readonly ActivityName[]>;

/** Only talk to Temporal: they run beside the workflows, on the base queue, in every worker process. */
export const CONTROL_ACTIVITIES = ['watchBroadcast', 'applyChannelTheme', 'channelStatus'] as const satisfies readonly ActivityName[];

/** Every activity has a home: a new activity that is in no list fails the typecheck here. */
type Homed = (typeof ROLE_ACTIVITIES)[Role][number] | (typeof CONTROL_ACTIVITIES)[number];
const everyActivityHasARole: Record<Exclude<ActivityName, Homed>, never> = {};
void everyActivityHasARole;

export function pick<T extends Record<string, unknown>>(all: T, names: readonly string[]): Partial<T> {
  return Object.fromEntries(names.map((n) => [n, all[n]])) as Partial<T>;
}

/**
 * Activity slots per role. media: follows the core count, two over it (an episode's music and two shots
 * render at once on a 2-core laptop, as before roles; each ffmpeg also waits on its files part of the time);
 * remote: many, since they wait on the network; air: one per channel on air (onAir holds its slot for days)
 * plus swaps.
 */
export function roleConcurrency(role: Role | 'control', cores = os.availableParallelism()): number {
  switch (role) {
    case 'media': return cores + 2;
    case 'remote': return 32;
    case 'air': return 64;
    case 'control': return 64;
  }
}
