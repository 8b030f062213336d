// Refuses cross-site POSTs (CSRF): a browser tells where a request comes from with Sec-Fetch-Site and
// Origin. Hand-written because it is a few lines and Fastify's CSRF plugin wants per-form tokens instead;
// this follows the header-based check Go 1.25's http.CrossOriginProtection uses. A request with neither
// header comes from a non-browser client (curl, the CLI), which a foreign page cannot forge, so it passes.
import type { FastifyRequest } from 'fastify';
import { HttpError } from './httpError';

export function assertSameOrigin(req: FastifyRequest): void {
  const site = req.headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') {
    throw new HttpError(403, `cross-site request refused (Sec-Fetch-Site: ${site}): use the channel's own page`);
  }
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host: string | null = null;
  try { host = new URL(origin).host; } catch { /* "null" or garbage: refused below */ }
  if (host === null || host !== req.headers.host) {
    throw new HttpError(403, `cross-origin request refused (Origin ${origin} is not ${req.headers.host}): use the channel's own page`);
  }
}
