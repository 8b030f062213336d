// broadcastWorkflow (id broadcast/<channel>): keeps one onAir activity running forever. The activity
// supervises ffmpeg; when ffmpeg or its worker dies the activity fails or stops heartbeating and is
// retried; if it keeps failing, this loop waits and starts it again. A skip restarts it at another slot.
import {
  ActivityCancellationType, ActivityFailure, CancellationScope, continueAsNew, isCancellation, proxyActivities, setHandler, sleep, workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index';
import type { BroadcastInput } from '../shared/channel';
import { moveAirSignal, restartAirSignal } from '../shared/channelMessages';
import { taskQueues } from '../shared/taskQueues';

type BroadcastActivities = Pick<Activities, 'onAir'>;

const ON_AIR: ActivityOptions = {
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '10 seconds',
  // A host whose air worker is gone is reported in this workflow's history within a minute, not waited on forever.
  scheduleToStartTimeout: '1 minute',
  // A restart waits for the old ffmpeg to be gone, so two never publish the same stream.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 },
  summary: 'on air: ffmpeg loops the slot playlist to the RTMP server',
};
const { onAir } = proxyActivities<BroadcastActivities>(ON_AIR);

export async function broadcastWorkflow(input: BroadcastInput): Promise<void> {
  let startSlot = input.startSlot ?? 0;
  let restartAt: number | null = null;
  let scope: CancellationScope | null = null;
  // onAir runs on the air host's own queue (src/workflows/channelAir.ts); histories from before air hosts used the shared one.
  let airQueue = input.airQueue ?? taskQueues(workflowInfo().taskQueue).air;
  setHandler(restartAirSignal, (slot) => {
    restartAt = slot;
    scope?.cancel();
  });
  // Air moved to another host: stop ffmpeg on the old one (if it still runs) and start on the new from slot 0.
  setHandler(moveAirSignal, (queue) => {
    airQueue = queue;
    restartAt = 0;
    scope?.cancel();
  });

  let failuresInARow = 0;
  for (;;) {
    // A restart or a move asked for while onAir was not running (e.g. during the back-off) applies now.
    if (restartAt !== null) {
      startSlot = restartAt;
      restartAt = null;
    }
    scope = new CancellationScope();
    try {
      await scope.run(() => onAir.executeWithOptions({ ...ON_AIR, taskQueue: airQueue }, [{ channel: input.channel, startSlot }]));
    } catch (err) {
      if (restartAt !== null) {
        startSlot = restartAt;
        restartAt = null;
        failuresInARow = 0;
      } else if (isCancellation(err) && CancellationScope.current().consideredCancelled) {
        throw err;
      } else if (err instanceof ActivityFailure) {
        failuresInARow++;
        await sleep(Math.min(60_000, 5_000 * failuresInARow));
      } else {
        throw err;
      }
    }
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof broadcastWorkflow>({ channel: input.channel, startSlot, airQueue });
    }
  }
}
