// `webtv channel list`: every channel from Temporal visibility (the WebtvChannel search attribute), its
// state from WebtvChannelState, and details from the running channel's status query or, for a stopped
// channel, the state its last run kept in its memo.
import type { Client } from '@temporalio/client';
import { LAST_STATE_MEMO, type ChannelState, type ChannelStatus } from '../shared/channel';
import { statusQuery } from '../shared/channelMessages';
import { channelNameKey, channelStateKey } from '../shared/searchAttributes';
import { channelSearchAttributesRegistered, missingSearchAttributesHint } from './channelStart';

export interface ChannelRow {
  channel: string;
  state: string;
  theme: string;
  onAir: string;
  made: number;
  aired: number;
  failed: number;
  /** Why it stopped, for stopped channels. */
  note?: string;
}

function onAirText(s: Pick<ChannelStatus, 'onAir'>): string {
  const ep = s.onAir?.episode;
  return ep ? `episode ${ep.episode}${s.onAir!.reair ? ' (again)' : ''}` : s.onAir ? 'standby clip' : 'nothing yet';
}

export async function listChannels(client: Client, queryTimeoutMs = 5_000): Promise<ChannelRow[]> {
  // The newest run per channel decides (stopped runs and continued-as-new runs stay in visibility).
  const newest = new Map<string, Awaited<ReturnType<typeof collect>>[number]>();
  for (const w of await collect(client)) {
    const name = w.typedSearchAttributes.get(channelNameKey) ?? w.workflowId.replace(/^channel\//, '');
    const seen = newest.get(name);
    if (!seen || w.startTime > seen.startTime) newest.set(name, w);
  }
  const rows: ChannelRow[] = [];
  for (const [channel, w] of [...newest.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (w.status.name === 'RUNNING') {
      const handle = client.workflow.getHandle(w.workflowId);
      const status = await Promise.race([
        handle.query(statusQuery).catch(() => null),
        new Promise<null>((r) => setTimeout(() => r(null), queryTimeoutMs).unref()),
      ]);
      const state = w.typedSearchAttributes.get(channelStateKey) ?? (status?.paused ? 'paused' : 'on air');
      rows.push(status
        ? { channel, state: status.paused ? 'paused' : state, theme: status.theme, onAir: onAirText(status), made: status.made, aired: status.aired, failed: status.failed }
        : { channel, state, theme: '(no worker answered)', onAir: '?', made: 0, aired: 0, failed: 0 });
    } else {
      const memo = (await client.workflow.getHandle(w.workflowId, w.runId).describe()).memo as Record<string, unknown> | undefined;
      const last = memo?.[LAST_STATE_MEMO] as ChannelState | undefined;
      rows.push({
        channel, state: 'stopped', theme: last?.theme ?? '', onAir: 'off air',
        made: last?.made ?? 0, aired: last?.aired ?? 0, failed: last?.failed ?? 0,
        note: last?.stoppedBecause ?? `its workflow ${w.status.name.toLowerCase()}`,
      });
    }
  }
  return rows;
}

async function collect(client: Client) {
  const out = [];
  try {
    for await (const w of client.workflow.list({ query: `${channelNameKey.name} IS NOT NULL` })) {
      if (w.status.name !== 'CONTINUED_AS_NEW') out.push(w);
    }
  } catch (err) {
    // A namespace without the attribute refuses the query itself.
    if (!(await channelSearchAttributesRegistered(client).catch(() => true))) throw new Error(missingSearchAttributesHint);
    throw err;
  }
  return out;
}

export function formatChannelList(rows: ChannelRow[]): string {
  if (rows.length === 0) return 'no channels yet: start one with "webtv channel start <name>" or "npm start"';
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const lines = [['CHANNEL', 'STATE', 'ON AIR', 'MADE', 'AIRED', 'FAILED', 'THEME']];
  for (const r of rows) lines.push([r.channel, r.state, r.onAir, String(r.made), String(r.aired), String(r.failed), cut(r.theme, 60)]);
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const table = lines.map((l) => l.map((c, i) => (i === l.length - 1 ? c : c.padEnd(widths[i]))).join('  '));
  for (const r of rows) if (r.note) table.push(`${r.channel}: ${r.note}`);
  return table.join('\n');
}
