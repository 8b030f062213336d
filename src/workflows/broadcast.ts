// broadcastWorkflow (id broadcast/<channel>): keeps one onAir activity running forever. The activity
// supervises ffmpeg; when ffmpeg or its worker dies the activity fails or stops heartbeating and is
// retried; if it keeps failing, this loop waits and starts it again. A skip restarts it at another slot.
import {
  ActivityCancellationType, ActivityFailure, CancellationScope, continueAsNew, isCancellation, proxyActivities, setHandler, sleep, workflowInfo,
} from '@temporalio/workflow';
import type { createBroadcastActivities } from '../activities/broadcast/index';
import type { BroadcastInput } from '../shared/channel';
import { restartAirSignal } from '../shared/channelMessages';

type BroadcastActivities = ReturnType<typeof createBroadcastActivities>;

const { onAir } = proxyActivities<BroadcastActivities>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '10 seconds',
  // A restart waits for the old ffmpeg to be gone, so two never publish the same stream.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 },
  summary: 'on air: ffmpeg loops the slot playlist to the RTMP server',
});

export async function broadcastWorkflow(input: BroadcastInput): Promise<void> {
  let startSlot = input.startSlot ?? 0;
  let restartAt: number | null = null;
  let scope: CancellationScope | null = null;
  setHandler(restartAirSignal, (slot) => {
    restartAt = slot;
    scope?.cancel();
  });

  let failuresInARow = 0;
  for (;;) {
    scope = new CancellationScope();
    try {
      await scope.run(() => onAir({ channel: input.channel, startSlot }));
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
      await continueAsNew<typeof broadcastWorkflow>({ channel: input.channel, startSlot });
    }
  }
}
