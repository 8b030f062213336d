// The web server's variables: the per-IP limits on suggestions and votes, the control token that guards
// the control routes, and the secret that signs viewer cookies. Both secrets stay out of logs.
import { z } from 'zod';

export interface AudienceLimits {
  /** Suggestions one IP address may send per minute (each viewer: one per minute regardless). */
  suggestionsPerIpPerMinute: number;
  /** Votes one IP address may send per minute (a household or a NAT holds several viewers). */
  votesPerIpPerMinute: number;
}

const perMinute = (name: string, dflt: number) => z.coerce.number({ error: `${name} must be a whole number ≥ 1` })
  .int(`${name} must be a whole number ≥ 1`).min(1, `${name} must be a whole number ≥ 1`).default(dflt);
const limitsSchema = z.object({
  WEBTV_SUGGESTIONS_PER_IP: perMinute('WEBTV_SUGGESTIONS_PER_IP', 1),
  WEBTV_VOTES_PER_IP: perMinute('WEBTV_VOTES_PER_IP', 120),
});

export function audienceLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): AudienceLimits {
  const parsed = limitsSchema.safeParse({
    WEBTV_SUGGESTIONS_PER_IP: env.WEBTV_SUGGESTIONS_PER_IP || undefined,
    WEBTV_VOTES_PER_IP: env.WEBTV_VOTES_PER_IP || undefined,
  });
  if (!parsed.success) throw new Error(`${parsed.error.issues[0]?.message} (per minute)`);
  return { suggestionsPerIpPerMinute: parsed.data.WEBTV_SUGGESTIONS_PER_IP, votesPerIpPerMinute: parsed.data.WEBTV_VOTES_PER_IP };
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
