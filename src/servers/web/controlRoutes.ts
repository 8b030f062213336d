// The player's configuration, the channel status, and the operators' control endpoints (theme, pause,
// resume, skip), which need the control token.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { channelWorkflowId } from '../../shared/channel';
import { pauseSignal, resumeSignal, setThemeUpdate, skipSignal } from '../../shared/channelMessages';
import type { ChannelStatusCache } from './channelStatusCache';
import { HttpError } from './httpError';
import { channelOf } from './channelParam';
import type { ComingUp } from '../../channels/schedules';
import type { ViewerCount } from './viewerCount';
import { waitingFor } from './waitingFor';

export interface ControlRouteOptions {
  client: Client;
  statuses: ChannelStatusCache;
  defaultChannel: string;
  flvUrl(channel: string): string;
  hlsDir?: string;
  token: string;
  /** The channel's next scheduled themes. */
  comingUp(channel: string): Promise<ComingUp[]>;
  viewers?: ViewerCount;
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const themeBody = z.object({ theme: z.string() }, { error: 'send {"theme": "<text>"}' });

export function registerControlRoutes(app: FastifyInstance, o: ControlRouteOptions): void {
  function requireToken(req: FastifyRequest): void {
    if (!o.token) throw new HttpError(403, 'control is disabled on this server: start it with WEBTV_CONTROL_TOKEN set');
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!tokenMatches(given, o.token)) throw new HttpError(401, 'wrong or missing control token: send "Authorization: Bearer <WEBTV_CONTROL_TOKEN>"');
  }
  const handleOf = (channel: string) => o.client.workflow.getHandle(channelWorkflowId(channel));

  app.get('/api/config', async (req) => {
    const channel = channelOf(req, o.defaultChannel);
    return { channel, flvUrl: o.flvUrl(channel), hlsUrl: o.hlsDir ? `/hls/${channel}/index.m3u8` : null };
  });

  app.get('/api/status', async (req) => {
    const channel = channelOf(req, o.defaultChannel);
    const status = await o.statuses.get(channel);
    // Added to the channel's own status: this server's viewer count, the schedule, what the standby waits for.
    const [next, waiting] = await Promise.all([o.comingUp(channel), waitingFor(o.client, status)]);
    return { ...status, viewers: o.viewers?.count(channel) ?? status.viewers ?? null, comingUp: next, waitingFor: waiting };
  });

  app.post('/api/theme', async (req) => {
    const channel = channelOf(req, o.defaultChannel);
    requireToken(req);
    const body = themeBody.safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'send {"theme": "<text>"}');
    // The workflow's update validator decides; its rejection is what the page shows.
    try {
      const theme = await handleOf(channel).executeUpdate(setThemeUpdate, { args: [body.data.theme] });
      o.statuses.invalidate(channel);
      return { theme };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new HttpError(400, (err.cause as Error)?.message ?? err.message);
      throw new HttpError(503, `could not reach channel ${channel}: ${(err as Error).message}`);
    }
  });

  const signals = { pause: pauseSignal, resume: resumeSignal, skip: skipSignal } as const;
  for (const [name, signal] of Object.entries(signals)) {
    app.post(`/api/${name}`, async (req) => {
      const channel = channelOf(req, o.defaultChannel);
      requireToken(req);
      await handleOf(channel).signal(signal);
      o.statuses.invalidate(channel);
      return { ok: true };
    });
  }
}
