// Channel metrics in Prometheus text format at the web server's /metrics (prom-client), read at scrape
// time from each channel's status query, so any web server of the fleet reports every channel it can see
// in Temporal visibility (or its own default channel when the namespace lacks the search attributes).
// Worker metrics (task slots, latencies) come from the Temporal SDK's own exporter: WEBTV_METRICS_PORT.
import type { Client } from '@temporalio/client';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ChannelStatus } from '../../shared/channel';
import { listChannels } from '../../channels/channelList';
import { channelSearchAttributesRegistered } from '../../channels/channelStart';
import type { ChannelStatusCache } from './channelStatusCache';
import type { ViewerCount } from './viewerCount';

export interface ChannelMetricsOptions {
  client: Client;
  statuses: ChannelStatusCache;
  defaultChannel: string;
  viewers?: ViewerCount;
}

type Reading = { channel: string; status: ChannelStatus | null };

export function createChannelMetrics(o: ChannelMetricsOptions): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'webtv_web_' });

  async function channelNames(): Promise<string[]> {
    const names = new Set([o.defaultChannel]);
    if (await channelSearchAttributesRegistered(o.client).catch(() => false)) {
      for (const row of await listChannels(o.client).catch(() => [])) names.add(row.channel);
    }
    return [...names];
  }
  // One status read per channel per scrape, shared by every gauge below.
  let current: Promise<Reading[]> | null = null;
  const readings = () => {
    current ??= channelNames()
      .then((names) => Promise.all(names.map(async (channel) => ({ channel, status: await o.statuses.get(channel).catch(() => null) }))))
      .finally(() => setTimeout(() => { current = null; }, 500).unref());
    return current;
  };

  const gauge = (name: string, help: string, value: (s: ChannelStatus, channel: string) => number | null, labelNames: string[] = ['channel']) =>
    new Gauge({
      name, help, labelNames, registers: [registry],
      async collect() {
        this.reset();
        for (const { channel, status } of await readings()) {
          if (!status) continue;
          const v = value(status, channel);
          if (v !== null && Number.isFinite(v)) this.set({ channel }, v);
        }
      },
    });

  new Gauge({
    name: 'webtv_channel_on_air', help: '1 while the channel airs (running, not stopped, its on-air ffmpeg has opened a slot); 0 otherwise',
    labelNames: ['channel'], registers: [registry],
    async collect() {
      this.reset();
      for (const { channel, status } of await readings()) this.set({ channel }, status && status.onAir && !status.stopped ? 1 : 0);
    },
  });
  gauge('webtv_channel_paused', '1 while production is paused', (s) => (s.paused ? 1 : 0));
  gauge('webtv_channel_seconds_since_swap', 'seconds since the on-air ffmpeg last opened a slot (the last join)',
    (s) => (s.onAir ? (Date.now() - Date.parse(s.onAir.since)) / 1000 : null));
  gauge('webtv_channel_production_vs_air', 'seconds of episode made per second of air since the channel started', (s) => s.productionVsAir);
  gauge('webtv_channel_production_speed', 'seconds of episode made per second spent producing (above 1: more made than aired)', (s) => s.productionSpeed);
  gauge('webtv_channel_falling_behind', '1 when making episodes is slower than air', (s) => (s.fallingBehind ? 1 : 0));
  gauge('webtv_channel_episodes_made', 'episodes made since the channel first started', (s) => s.made);
  gauge('webtv_channel_episodes_failed', 'episodes that failed since the channel first started', (s) => s.failed);
  gauge('webtv_channel_episodes_aired', 'fresh episodes aired since the channel first started', (s) => s.aired);
  gauge('webtv_channel_viewers', 'people watching (FLV players plus recent HLS clients)',
    (s, channel) => o.viewers?.count(channel) ?? s.viewers ?? null);
  gauge('webtv_channel_moderation_rejected', 'texts refused by moderation (operator themes and shot prompts)', (s) => s.moderation?.rejected ?? null);
  gauge('webtv_channel_moderation_warnings', 'texts passed on local rules only because the moderation endpoint was down', (s) => s.moderation?.warnings ?? null);
  gauge('webtv_channel_suggestions_rejected', 'viewer suggestions refused by moderation', (s) => s.suggestionsRejected);

  new Gauge({
    name: 'webtv_channel_backend', help: 'the backend each capability of the channel uses (value 1)',
    labelNames: ['channel', 'capability', 'kind'], registers: [registry],
    async collect() {
      this.reset();
      for (const { channel, status } of await readings()) {
        for (const [capability, kind] of Object.entries(status?.backends ?? {})) this.set({ channel, capability, kind }, 1);
      }
    },
  });
  return registry;
}
