// "Coming up" for the page: the channel's next scheduled themes, cached a few seconds per channel so
// every open page polling /api/status does not list and describe the schedules each time. Only themes
// moderation passed are listed (channels/schedules.ts comingUp): one not checked yet has its check started
// by the first listing and appears at the first listing after it passes.
import type { Client } from '@temporalio/client';
import { comingUp, type ComingUp } from '../../channels/schedules';

export function cachedComingUp(client: Client, ttlMs = 3_000): (channel: string) => Promise<ComingUp[]> {
  const cache = new Map<string, { at: number; value: Promise<ComingUp[]> }>();
  return (channel) => {
    const hit = cache.get(channel);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    const value = comingUp(client, channel).catch(() => [] as ComingUp[]);
    cache.set(channel, { at: Date.now(), value });
    return value;
  };
}
