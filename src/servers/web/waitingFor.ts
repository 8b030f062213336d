// What the standby waits for, in words: "first episode: shot 2/3", read from the episode in production's
// own `progress` query. Null when an episode is on air or nothing is being made.
import type { Client } from '@temporalio/client';
import { episodeWorkflowId, type ChannelStatus } from '../../shared/channel';
import { defineQuery } from '@temporalio/workflow';
import type { EpisodeProgress } from '../../workflows/episodeProgress';

// The episode workflow's `progress` query, by name: importing the workflow module would load workflow code here.
const episodeProgressQuery = defineQuery<EpisodeProgress>('progress');

export async function waitingFor(client: Client, status: ChannelStatus): Promise<string | null> {
  if (status.onAir?.episode || status.next.length > 0 || status.producing.length === 0) return null;
  const n = Math.min(...status.producing.map((p) => p.episode));
  const what = status.made === 0 && status.aired === 0 ? 'first episode' : `episode ${n}`;
  try {
    const p = await Promise.race([
      client.workflow.getHandle(episodeWorkflowId(status.channel, n)).query(episodeProgressQuery),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 3_000).unref()),
    ]);
    if (p.stage === 'writing') return `${what}: writing the shot list`;
    if (p.stage === 'shots') return `${what}: shot ${Math.min(p.shotsDone + 1, p.shotsTotal)}/${p.shotsTotal}`;
    if (p.stage === 'muxing') return `${what}: putting it together`;
    return `${what}: ready in a moment`;
  } catch {
    return `${what}: in production`;
  }
}
