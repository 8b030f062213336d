// What viewers can do without the control token: read the suggestions that passed moderation, suggest a
// theme, vote. The abuse limits live here: the viewer cookie, one suggestion per viewer and per IP address
// per minute (@fastify/rate-limit, keyed on its own normalised address: an IPv6 client by its /64), votes
// per IP per minute, one vote per viewer per suggestion, and (VoteGuard) a new viewer votes only once the
// server has seen it watching, and one address gives a suggestion a few votes at most. Small bodies.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { channelWorkflowId } from '../../shared/channel';
import { suggestUpdate, votesSignal } from '../../shared/channelMessages';
import { SUGGESTION_MAX_CHARS, emptySuggestionBox, suggestionProblem } from '../../shared/suggestions';
import type { ChannelStatusCache } from './channelStatusCache';
import { channelOf } from './channelParam';
import { HttpError } from './httpError';
import { VoteBatcher } from './voteBatcher';
import { viewerOf, type EnsureViewer } from './viewerId';
import type { AudienceLimits } from '../../config/web';
import type { VoteGuard } from './voteGuard';

export type { AudienceLimits } from '../../config/web';

export interface AudienceRouteOptions {
  client: Client;
  statuses: ChannelStatusCache;
  defaultChannel: string;
  limits: AudienceLimits;
  guard: VoteGuard;
  ensureViewer: EnsureViewer;
  log(line: string): void;
}

const suggestBody = z.object({ text: z.string() }).strict();
const voteBody = z.object({ id: z.string().max(32) }).strict();

export function registerAudienceRoutes(app: FastifyInstance, o: AudienceRouteOptions): { stop(): Promise<void> } {
  const handleOf = (channel: string) => o.client.workflow.getHandle(channelWorkflowId(channel));
  const batcher = new VoteBatcher(
    (channel, votes) => handleOf(channel).signal(votesSignal, { votes }),
    (channel, err) => o.log(`votes for ${channel} not delivered yet, retrying: ${err.message}`),
  );
  /** Votes this server accepted, per channel and suggestion: answers "already voted" at once. */
  const voted = new Map<string, Map<string, Set<string>>>();
  const votersOf = (channel: string, id: string) => {
    let byId = voted.get(channel);
    if (!byId) voted.set(channel, (byId = new Map()));
    let set = byId.get(id);
    if (!set) byId.set(id, (set = new Set()));
    return set;
  };

  const minute = 60_000;
  const suggestPerViewer = app.createRateLimit({ max: 1, timeWindow: minute, keyGenerator: (req) => `suggest-viewer:${viewerOf(req)}` });
  // Each limiter has its own store; the default key is the normalised address.
  const suggestPerIp = app.createRateLimit({ max: o.limits.suggestionsPerIpPerMinute, timeWindow: minute });
  const votePerIp = app.createRateLimit({ max: o.limits.votesPerIpPerMinute, timeWindow: minute });

  function requireViewer(req: FastifyRequest): string {
    const viewer = viewerOf(req);
    if (!viewer) throw new HttpError(403, 'no viewer cookie: load the channel page first (it needs cookies enabled)');
    return viewer;
  }
  async function limit(check: typeof suggestPerIp, req: FastifyRequest, message: (seconds: number) => string): Promise<void> {
    const r = await check(req);
    if (!r.isAllowed && r.isExceeded) throw new HttpError(429, message(Math.max(1, r.ttlInSeconds)));
  }

  app.get('/api/suggestions', async (req, reply) => {
    const channel = channelOf(req, o.defaultChannel);
    const viewer = await o.ensureViewer(req, reply);
    const status = await o.statuses.get(channel);
    const byId = voted.get(channel);
    if (byId) for (const id of byId.keys()) if (!status.suggestions.some((s) => s.id === id)) byId.delete(id);
    o.guard.keepOnly(channel, new Set(status.suggestions.map((s) => s.id)));
    reply.header('cache-control', 'no-store');
    return {
      audience: status.audience,
      checking: status.suggestionsChecking,
      maxChars: SUGGESTION_MAX_CHARS,
      onAir: status.onAir?.episode ? { episode: status.onAir.episode.episode, theme: status.onAir.episode.theme, suggested: !!status.onAir.episode.suggested } : null,
      suggestions: status.suggestions.map((s) => ({ ...s, voted: !!(viewer && byId?.get(s.id)?.has(viewer)) })),
    };
  });

  app.post('/api/suggest', { bodyLimit: 2048 }, async (req, reply) => {
    const channel = channelOf(req, o.defaultChannel);
    const viewer = requireViewer(req);
    const body = suggestBody.safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'send {"text": "<your theme>"}');
    const input = { text: body.data.text.trim(), viewer };
    // Format problems (empty, too long) are answered before the per-minute limit counts the attempt.
    const problem = suggestionProblem(emptySuggestionBox(), input);
    if (problem) throw new HttpError(400, problem);
    await limit(suggestPerViewer, req, (s) => `You can suggest one theme a minute: try again in ${s} s (you can vote meanwhile).`);
    await limit(suggestPerIp, req, (s) => `Someone on your network just suggested a theme: try again in ${s} s.`);
    try {
      const { id } = await handleOf(channel).executeUpdate(suggestUpdate, { args: [input] });
      o.statuses.invalidate(channel);
      reply.code(202);
      return { id, message: 'Thanks! Your suggestion is being checked; it shows up here once it passes.' };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new HttpError(409, (err.cause as Error)?.message ?? err.message);
      throw new HttpError(503, `could not reach channel ${channel}: try again in a moment`, err as Error);
    }
  });

  app.post('/api/vote', { bodyLimit: 512 }, async (req, reply) => {
    const channel = channelOf(req, o.defaultChannel);
    const viewer = requireViewer(req);
    const body = voteBody.safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'send {"id": "<suggestion id>"}');
    const { id } = body.data;
    await limit(votePerIp, req, (s) => `Too many votes from your network: try again in ${s} s.`);
    const visible = async (fresh: boolean) => (await o.statuses.get(channel, fresh)).suggestions.some((s) => s.id === id);
    if (!(await visible(false)) && !(await visible(true))) {
      throw new HttpError(404, `no suggestion ${id} to vote for: it may have aired already or been removed`);
    }
    const voters = votersOf(channel, id);
    if (voters.has(viewer)) throw new HttpError(409, 'You already voted for this suggestion.');
    const refusal = o.guard.check(channel, id, viewer, req.ip);
    if (refusal?.kind === 'not-watching') {
      throw new HttpError(403, `Votes open once you have watched for ${o.limits.voteAfterSec} s: try again in ${refusal.waitSec} s.`);
    }
    if (refusal?.kind === 'address-cap') {
      throw new HttpError(429, `This suggestion already has ${o.limits.votesPerAddress} votes from your network (one address counts at most ${o.limits.votesPerAddress}).`);
    }
    voters.add(viewer);
    o.guard.record(channel, id, req.ip);
    batcher.add(channel, { id, viewer });
    reply.code(202);
    return { accepted: true };
  });

  return { stop: () => batcher.stop() };
}
