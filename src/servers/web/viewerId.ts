// Each viewer's id: a random value in a signed, HTTP-only cookie (signed by @fastify/cookie), so a vote
// counts once per viewer without accounts, and a forged id is refused.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';

export const VIEWER_COOKIE = 'webtv_viewer';

export function viewerOf(req: FastifyRequest): string | null {
  const raw = req.cookies[VIEWER_COOKIE];
  if (!raw) return null;
  const unsigned = req.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : null;
}

/** The request's viewer id, issuing a new cookie when it has none (or a forged one). */
export function ensureViewer(req: FastifyRequest, reply: FastifyReply): string {
  const known = viewerOf(req);
  if (known) return known;
  const id = randomBytes(12).toString('base64url');
  reply.setCookie(VIEWER_COOKIE, id, { signed: true, httpOnly: true, sameSite: 'strict', path: '/', maxAge: 365 * 24 * 3600 });
  return id;
}
