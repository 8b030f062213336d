// How a channel ends and how it shows in visibility. A channel stops when it is cancelled (`webtv
// channel stop`, the Web UI, `temporal workflow cancel`) or when its broadcast workflow ends without it
// (terminated by hand): it cancels the episodes in production, cancels its broadcast (the on-air
// activity kills ffmpeg), waits for both, keeps its state in the memo for the next start, and marks
// itself stopped. Guarded by patches so histories recorded before this code still replay.
import {
  CancellationScope, condition, getExternalWorkflowHandle, isCancellation, log, patched, proxyActivities,
  upsertMemo, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { BroadcastEnded } from '../activities/channelControl';
import type { Activities } from '../activities/index';
import { LAST_STATE_MEMO, broadcastWorkflowId, episodeWorkflowId, type ChannelState } from '../shared/channel';
import { channelNameKey, channelStateKey, type ChannelRunState } from '../shared/searchAttributes';

type ChannelControl = Pick<Activities, 'watchBroadcast'>;

/** Watching lasts as long as the channel run; a heartbeat every poll shows a dead worker within 30 s. */
const { watchBroadcast } = proxyActivities<ChannelControl>({
  startToCloseTimeout: '3650 days',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  summary: 'watch the broadcast workflow: the channel stops if it ends by hand',
});
/** While stopping: the broadcast closes within seconds of its cancel (ffmpeg is killed after 2 s). */
const stopping = proxyActivities<ChannelControl>({
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 3 },
  summary: 'stopping: wait for the broadcast to end',
});

/** Keeps the WebtvChannel/WebtvChannelState search attributes true, when the client asked for them. */
export function publishRunState(enabled: boolean, channel: string, state: ChannelRunState): void {
  if (!enabled || !patched('channel-search-attributes')) return;
  upsertSearchAttributes([{ key: channelNameKey, value: channel }, { key: channelStateKey, value: state }]);
}

/** Watches broadcast/<channel> in its own scope (cancelled before continue-as-new). */
export function watchBroadcastEnd(channel: string, onEnd: (ended: BroadcastEnded) => void): CancellationScope | null {
  if (!patched('channel-watches-broadcast')) return null;
  const scope = new CancellationScope();
  void scope.run(() => watchBroadcast({ channel })).then(onEnd, (err) => {
    if (!isCancellation(err)) log.warn('stopped watching the broadcast workflow', { error: String(err) });
  });
  return scope;
}

export function broadcastEndReason(channel: string, ended: BroadcastEnded): string {
  const how = ended.status === 'NOT_FOUND' ? 'was not found' : `ended (${ended.status.toLowerCase()})`;
  return `its broadcast workflow ${broadcastWorkflowId(channel)} ${how}${ended.closedAt ? ` at ${ended.closedAt}` : ''} without the channel: the stream is off`;
}

export interface StopRequest {
  channel: string;
  reason: string;
  state: ChannelState;
  /** Episode numbers in production. */
  producing: () => number[];
  hasBroadcast: boolean;
  searchAttributes: boolean;
}

/** Ends the channel's episodes in production and its broadcast, then records the state. Never throws. */
export async function stopChannel(r: StopRequest): Promise<void> {
  if (!patched('channel-stops-cleanly')) return;
  await CancellationScope.nonCancellable(async () => {
    const ignoreGone = (what: string) => (err: unknown) => log.info(`stop: ${what} had already ended`, { error: String(err) });
    await Promise.all(r.producing().map((n) => getExternalWorkflowHandle(episodeWorkflowId(r.channel, n)).cancel().catch(ignoreGone(`episode ${n}`))));
    if (r.hasBroadcast) {
      await getExternalWorkflowHandle(broadcastWorkflowId(r.channel)).cancel().catch(ignoreGone('the broadcast'));
      await stopping.watchBroadcast({ channel: r.channel }).catch((err) => log.warn('stop: could not see the broadcast end', { error: String(err) }));
    }
    // The children's results arrive once they have closed; wait for them, but not forever.
    await condition(() => r.producing().length === 0, '2 minutes');
    r.state.onAir = null;
    r.state.stoppedBecause = r.reason;
    upsertMemo({ [LAST_STATE_MEMO]: r.state });
    publishRunState(r.searchAttributes, r.channel, 'stopped');
  });
}
