// The web server's variables: the per-address limits on suggestions, votes and new viewer ids, how long a
// new viewer watches before voting, the control token that guards the control routes, the secret that
// signs viewer cookies (both secrets stay out of logs), the reverse proxy to trust and the page's public
// origin.
import net from 'node:net';
import { z } from 'zod';

export interface AudienceLimits {
  /** Suggestions one IP address may send per minute (each viewer: one per minute regardless). */
  suggestionsPerIpPerMinute: number;
  /** Votes one IP address may send per minute (a household or a NAT holds several viewers). */
  votesPerIpPerMinute: number;
  /** Votes one address (an IPv6 /64) may give one suggestion, whatever the viewer ids: the NAT trade-off. */
  votesPerAddress: number;
  /** Seconds the server must have seen a new viewer id watching (HLS segments or an FLV session) before it may vote; 0: no watching needed. */
  voteAfterSec: number;
  /** New viewer ids (cookies) one address may be given per minute. */
  newViewersPerIpPerMinute: number;
}

const perMinute = (name: string, dflt: number) => z.coerce.number({ error: `${name} must be a whole number ≥ 1` })
  .int(`${name} must be a whole number ≥ 1`).min(1, `${name} must be a whole number ≥ 1`).default(dflt);
const whole = (name: string, dflt: number, min: number, what: string) => z.coerce.number({ error: `${name} must be a whole number ≥ ${min} (${what})` })
  .int(`${name} must be a whole number ≥ ${min} (${what})`).min(min, `${name} must be a whole number ≥ ${min} (${what})`).default(dflt);
const limitsSchema = z.object({
  WEBTV_SUGGESTIONS_PER_IP: perMinute('WEBTV_SUGGESTIONS_PER_IP', 1),
  WEBTV_VOTES_PER_IP: perMinute('WEBTV_VOTES_PER_IP', 120),
  WEBTV_NEW_VIEWERS_PER_IP: perMinute('WEBTV_NEW_VIEWERS_PER_IP', 30),
  WEBTV_VOTES_PER_ADDRESS: whole('WEBTV_VOTES_PER_ADDRESS', 3, 1, 'votes one address may give one suggestion'),
  WEBTV_VOTE_AFTER_SEC: whole('WEBTV_VOTE_AFTER_SEC', 30, 0, 'seconds a new viewer watches before voting'),
});

export function audienceLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): AudienceLimits {
  const pick = (k: keyof z.infer<typeof limitsSchema>) => env[k] || undefined;
  const parsed = limitsSchema.safeParse({
    WEBTV_SUGGESTIONS_PER_IP: pick('WEBTV_SUGGESTIONS_PER_IP'),
    WEBTV_VOTES_PER_IP: pick('WEBTV_VOTES_PER_IP'),
    WEBTV_NEW_VIEWERS_PER_IP: pick('WEBTV_NEW_VIEWERS_PER_IP'),
    WEBTV_VOTES_PER_ADDRESS: pick('WEBTV_VOTES_PER_ADDRESS'),
    WEBTV_VOTE_AFTER_SEC: pick('WEBTV_VOTE_AFTER_SEC'),
  });
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'invalid audience limit';
    throw new Error(message.includes('(') ? message : `${message} (per minute)`);
  }
  const d = parsed.data;
  return {
    suggestionsPerIpPerMinute: d.WEBTV_SUGGESTIONS_PER_IP,
    votesPerIpPerMinute: d.WEBTV_VOTES_PER_IP,
    newViewersPerIpPerMinute: d.WEBTV_NEW_VIEWERS_PER_IP,
    votesPerAddress: d.WEBTV_VOTES_PER_ADDRESS,
    voteAfterSec: d.WEBTV_VOTE_AFTER_SEC,
  };
}

/** Fastify's `trustProxy`: a hop count, or the proxies' addresses and CIDR ranges (never "trust everyone"). */
export type TrustProxy = false | number | string[];

const proxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);
function cidrOk(entry: string): boolean {
  if (proxyNames.has(entry)) return true;
  const [addr, bits, ...rest] = entry.split('/');
  const family = net.isIP(addr);
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

/** WEBTV_TRUST_PROXY: unset, forwarded headers are ignored (the client address is the socket's). */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv = process.env): TrustProxy {
  const v = (env.WEBTV_TRUST_PROXY ?? '').trim();
  if (!v) return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops >= 1 && hops <= 10) return hops;
  }
  const list = v.split(/[\s,]+/).filter(Boolean);
  const bad = list.find((e) => !cidrOk(e));
  if (bad !== undefined || /^\d+$/.test(v)) {
    throw new Error(`WEBTV_TRUST_PROXY=${v} is neither a hop count (1-10) nor a list of proxy addresses or CIDR ranges (e.g. 127.0.0.1 or 10.0.0.0/8,loopback)`);
  }
  return list;
}

/** WEBTV_PUBLIC_ORIGIN: the origins viewers load the page from (space or comma separated), e.g. https://tv.example.org. */
export function publicOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): URL[] {
  const v = (env.WEBTV_PUBLIC_ORIGIN ?? '').trim();
  if (!v) return [];
  return v.split(/[\s,]+/).filter(Boolean).map((o) => {
    let url: URL | null = null;
    try { url = new URL(o); } catch { /* refused below */ }
    if (!url || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.username) {
      throw new Error(`WEBTV_PUBLIC_ORIGIN: ${o} is not an origin like https://tv.example.org (scheme, host and optional port, no path)`);
    }
    return url;
  });
}

/** Shortest secret accepted: a guessable token would open control, a guessable cookie secret would forge viewers. */
export const SECRET_MIN_CHARS = 24;
export const secretProblem = (name: string, value: string): string | null => value.length >= SECRET_MIN_CHARS ? null
  : `${name} must be at least ${SECRET_MIN_CHARS} characters long (it has ${value.length}): make one with \`openssl rand -hex 24\``;
const secret = (name: string) => z.string().superRefine((v, ctx) => {
  const problem = secretProblem(name, v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const secretsSchema = z.object({
  WEBTV_CONTROL_TOKEN: secret('WEBTV_CONTROL_TOKEN').optional(),
  WEBTV_COOKIE_SECRET: secret('WEBTV_COOKIE_SECRET').optional(),
});

export interface WebSecrets {
  /** WEBTV_CONTROL_TOKEN (≥ 24 characters): the bearer token of the control routes (unset: `webtv start` keeps one in the data dir). */
  controlToken?: string;
  /** WEBTV_COOKIE_SECRET (≥ 24 characters): signs viewer cookies (unset: derived from the control token). */
  cookieSecret?: string;
}

export function webSecretsFromEnv(env: NodeJS.ProcessEnv = process.env): WebSecrets {
  // Set but empty is refused too: an empty token must never read as "no control" or "derive one".
  const parsed = secretsSchema.safeParse({ WEBTV_CONTROL_TOKEN: env.WEBTV_CONTROL_TOKEN, WEBTV_COOKIE_SECRET: env.WEBTV_COOKIE_SECRET });
  if (!parsed.success) throw new Error(parsed.error.issues[0].message);
  return {
    ...(parsed.data.WEBTV_CONTROL_TOKEN ? { controlToken: parsed.data.WEBTV_CONTROL_TOKEN } : {}),
    ...(parsed.data.WEBTV_COOKIE_SECRET ? { cookieSecret: parsed.data.WEBTV_COOKIE_SECRET } : {}),
  };
}
