// Each viewer's id: a random value in a signed, HTTP-only cookie (signed by @fastify/cookie), so a vote
// counts once per viewer without accounts, and a forged id is refused. New ids are rate-limited per
// address (a script cannot mint itself a crowd); over the limit the page still works, without an id.
// The cookie is `Secure` when the page is served over HTTPS (directly, or per a trusted proxy).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';

export const VIEWER_COOKIE = 'webtv_viewer';

export function viewerOf(req: FastifyRequest): string | null {
  const raw = req.cookies[VIEWER_COOKIE];
  if (!raw) return null;
  const unsigned = req.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : null;
}

/** The request's viewer id, issuing a new cookie when it has none (or a forged one) and the address may have one. */
export type EnsureViewer = (req: FastifyRequest, reply: FastifyReply) => Promise<string | null>;

export function viewerIssuer(app: FastifyInstance, newPerMinute: number): EnsureViewer {
  // Keyed on @fastify/rate-limit's own normalised address (an IPv6 client counts by its /64).
  const mintLimit = app.createRateLimit({ max: newPerMinute, timeWindow: 60_000 });
  return async (req, reply) => {
    const known = viewerOf(req);
    if (known) return known;
    const r = await mintLimit(req);
    if (!r.isAllowed && r.isExceeded) return null;
    const id = randomBytes(12).toString('base64url');
    reply.setCookie(VIEWER_COOKIE, id, {
      signed: true, httpOnly: true, sameSite: 'strict', path: '/', maxAge: 365 * 24 * 3600, secure: req.protocol === 'https',
    });
    return id;
  };
}
