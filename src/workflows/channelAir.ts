// Where a channel's air lives: the host whose air worker holds its air folder (the slot files, the
// playlists, the on-air ffmpeg). The channel claims a host once through the shared air queue, records its
// queue in the channel state, and sends prepareAir, swapSlot and retainEpisodes there; the broadcast sends
// onAir there. `webtv channel move-air` moves it when that host is gone for good (worker-specific task
// queues: temporalio/samples-typescript, worker-specific-task-queues).
import { proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import { noWorkerTookIt } from '../shared/failureMessage';
import type { Activities } from '../activities/index';
import type { AirClaim } from '../shared/channel';
import { taskQueues } from '../shared/taskQueues';

type BroadcastActivities = Pick<Activities, 'claimAir' | 'prepareAir' | 'swapSlot' | 'retainEpisodes'>;

/** patched() id: channels claim an air host; histories recorded before send air work to the shared air queue. */
export const AIR_HOST_PATCH = 'air-host-queue';

/**
 * A host's air activities wait at most a minute to be picked up: past that its air worker is gone, and the
 * channel says so (and how to move its air) instead of waiting forever on a queue nobody polls.
 */
const AIR_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  scheduleToStartTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
};

const acts = proxyActivities<BroadcastActivities>(AIR_OPTIONS);

/** The air activities of a channel, on the queue of the host that holds its air folder. */
export function airOn(queue: string) {
  const opts = (summary: string): ActivityOptions => ({ ...AIR_OPTIONS, taskQueue: queue, summary });
  return {
    prepareAir: (channel: string) => acts.prepareAir.executeWithOptions(opts('prepare the air folder'), [{ channel }]),
    swapSlot: (input: Parameters<BroadcastActivities['swapSlot']>[0], summary: string) => acts.swapSlot.executeWithOptions(opts(summary), [input]),
    retainEpisodes: (input: Parameters<BroadcastActivities['retainEpisodes']>[0]) =>
      acts.retainEpisodes.executeWithOptions(opts(`keep the latest ${input.keepLatest} episodes`), [input]),
  };
}

/** The shared air queue, where any air worker answers (what histories from before air hosts used). */
export function sharedAirQueue(): string {
  return taskQueues(workflowInfo().taskQueue).air;
}

/**
 * Claims an air host: any air worker through the shared queue, or the named host's own queue, which must
 * answer within 30 s (an operator moving air to a host with no air worker hears so at once).
 */
export function claimAirHost(channel: string, host?: string): Promise<AirClaim> {
  const q = taskQueues(workflowInfo().taskQueue);
  return acts.claimAir.executeWithOptions({
    startToCloseTimeout: '30 seconds',
    ...(host ? { scheduleToStartTimeout: '30 seconds' } : {}),
    retry: { maximumAttempts: 3 },
    taskQueue: host ? q.airHost(host) : q.air,
    summary: host ? `claim air on host ${host}` : 'claim an air host',
  }, [{ channel }]);
}

/** An air activity no air worker picked up in time: the host is gone, not the episode or the folder at fault. */
export const airHostGone = noWorkerTookIt;
