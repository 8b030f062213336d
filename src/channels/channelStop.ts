// `webtv channel stop`: a cancel request to channel/<name> (the same as the Web UI's or `temporal workflow
// cancel`); the channel itself ends its episodes and broadcast. This waits until it has, and says so.
import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { broadcastWorkflowId, channelWorkflowId } from '../shared/channel';

export async function stopChannel(client: Client, channel: string, timeoutMs = 180_000): Promise<string> {
  const handle = client.workflow.getHandle(channelWorkflowId(channel));
  const d = await handle.describe();
  if (d.status.name !== 'RUNNING') return `channel ${channel} is not running (its workflow ${d.status.name.toLowerCase()})`;
  await handle.cancel();
  const ended = await Promise.race([
    handle.result().then(() => 'completed', (err) => {
      if (err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure) return 'cancelled';
      throw err;
    }),
    new Promise<null>((r) => setTimeout(() => r(null), timeoutMs).unref()),
  ]);
  if (ended === null) throw new Error(`channel ${channel} did not stop within ${timeoutMs / 1000} s; is a worker running? See it in the Web UI`);
  let broadcast = 'no broadcast';
  try {
    broadcast = `broadcast ${(await client.workflow.getHandle(broadcastWorkflowId(channel)).describe()).status.name.toLowerCase()}`;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  return `channel ${channel} stopped (workflow ${ended}, ${broadcast}); "webtv channel start ${channel}" or "npm start" resumes it`;
}
