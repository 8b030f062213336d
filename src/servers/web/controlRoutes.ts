// The player's configuration, the channel status, and the operators' control endpoints (theme, pause,
// resume, skip), which need the control token. Anonymous status is what the page shows; the full status
// needs the token. Control routes are rate-limited per address, before the token is checked.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
import { publicStatus } from './publicStatus';

export interface ControlRouteOptions {
  client: Client;
  statuses: ChannelStatusCache;
  defaultChannel: string;
  hlsDir?: string;
  token: string;
  /** The channel's next scheduled themes. */
  comingUp(channel: string): Promise<ComingUp[]>;
  viewers?: ViewerCount;
  /** The FLV URL as the requesting browser reaches it (the page's own host, or WEBTV_PUBLIC_ORIGIN), with its watch ticket. */
  flvUrlFor(req: FastifyRequest, reply: FastifyReply, channel: string): Promise<string>;
}

/** Control attempts one address may make per minute (right or wrong token): enough for an operator, not for guessing. */
export const CONTROL_PER_MINUTE = 30;

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const themeBody = z.object({ theme: z.string() }, { error: 'send {"theme": "<text>"}' });

export function registerControlRoutes(app: FastifyInstance, o: ControlRouteOptions): void {
  // Keyed on @fastify/rate-limit's own normalised address (an IPv6 client counts by its /64).
  const controlLimit = app.createRateLimit({ max: CONTROL_PER_MINUTE, timeWindow: 60_000 });
  const bearer = (req: FastifyRequest) => /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const hasToken = (req: FastifyRequest) => !!o.token && tokenMatches(bearer(req), o.token);
  async function requireToken(req: FastifyRequest): Promise<void> {
    const r = await controlLimit(req);
    if (!r.isAllowed && r.isExceeded) throw new HttpError(429, `too many control requests from your address: try again in ${Math.max(1, r.ttlInSeconds)} s`);
    if (!o.token) throw new HttpError(403, 'control is disabled on this server: start it with WEBTV_CONTROL_TOKEN set');
    if (!hasToken(req)) throw new HttpError(401, 'wrong or missing control token: send "Authorization: Bearer <WEBTV_CONTROL_TOKEN>"');
  }
  const handleOf = (channel: string) => o.client.workflow.getHandle(channelWorkflowId(channel));

  app.get('/api/config', async (req, reply) => {
    const channel = channelOf(req, o.defaultChannel);
    reply.header('cache-control', 'no-store');
    return { channel, flvUrl: await o.flvUrlFor(req, reply, channel), hlsUrl: o.hlsDir ? `/hls/${channel}/index.m3u8` : null };
  });

  app.get('/api/status', async (req) => {
    const channel = channelOf(req, o.defaultChannel);
    const status = await o.statuses.get(channel);
    // Added to the channel's own status: this server's viewer count, the schedule, what the standby waits for.
    const [next, waiting] = await Promise.all([o.comingUp(channel), waitingFor(o.client, status)]);
    const extra = { viewers: o.viewers?.count(channel) ?? status.viewers ?? null, comingUp: next, waitingFor: waiting };
    // The full status (paths, store keys, hosts, queues, error texts) only with the token; a wrong one
    // counts against the address like a control request (an operator's monitor polling with it does not).
    if (req.headers.authorization) {
      if (!hasToken(req)) await requireToken(req);
      return { ...status, ...extra };
    }
    return publicStatus(status, extra);
  });

  app.post('/api/theme', async (req) => {
    const channel = channelOf(req, o.defaultChannel);
    await requireToken(req);
    const body = themeBody.safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'send {"theme": "<text>"}');
    // The workflow's update validator decides; its rejection is what the page shows.
    try {
      const theme = await handleOf(channel).executeUpdate(setThemeUpdate, { args: [body.data.theme] });
      o.statuses.invalidate(channel);
      return { theme };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new HttpError(400, (err.cause as Error)?.message ?? err.message);
      throw new HttpError(503, `could not reach channel ${channel}: try again in a moment`, err as Error);
    }
  });

  const signals = { pause: pauseSignal, resume: resumeSignal, skip: skipSignal } as const;
  for (const [name, signal] of Object.entries(signals)) {
    app.post(`/api/${name}`, async (req) => {
      const channel = channelOf(req, o.defaultChannel);
      await requireToken(req);
      await handleOf(channel).signal(signal).catch((err: Error) => {
        throw new HttpError(503, `could not reach channel ${channel}: try again in a moment`, err);
      });
      o.statuses.invalidate(channel);
      return { ok: true };
    });
  }
}
