// Many viewers as plain HTTP clients, each with its own cookie jar of one (the signed viewer cookie),
// voting on the web server over a span of time: the load test and the audience bench drive this.
export interface VoteRunOptions {
  baseUrl: string;
  viewers: number;
  durationMs: number;
  /** Suggestion ids to vote for; each viewer votes for 1 to 3 of them. */
  suggestionIds: string[];
  /** Share of viewers that also try to vote twice for the same suggestion (refused with 409). */
  repeatShare?: number;
  seed?: number;
}

export interface VoteRunResult {
  accepted: number;
  /** Second votes the server refused, as it should. */
  repeatsRefused: number;
  /** Anything else that was not accepted, by status code. */
  failures: Record<string, number>;
  perSuggestion: Record<string, number>;
}

/** A small seeded generator so a run's votes are the same each time. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export async function runVoters(o: VoteRunOptions): Promise<VoteRunResult> {
  const rand = lcg(o.seed ?? 42);
  const origin = new URL(o.baseUrl).origin;
  const result: VoteRunResult = { accepted: 0, repeatsRefused: 0, failures: {}, perSuggestion: {} };
  const fail = (why: string) => { result.failures[why] = (result.failures[why] ?? 0) + 1; };

  async function cookieFor(): Promise<string> {
    const r = await fetch(`${o.baseUrl}/api/suggestions`);
    await r.arrayBuffer();
    const set = r.headers.get('set-cookie') ?? '';
    const cookie = /webtv_viewer=[^;]+/.exec(set)?.[0];
    if (!cookie) throw new Error(`no viewer cookie from GET /api/suggestions (status ${r.status})`);
    return cookie;
  }
  async function vote(cookie: string, id: string, repeat: boolean): Promise<void> {
    try {
      const r = await fetch(`${o.baseUrl}/api/vote`, {
        method: 'POST', headers: { cookie, origin, 'content-type': 'application/json' }, body: JSON.stringify({ id }),
      });
      await r.arrayBuffer();
      if (r.status === 202 && !repeat) {
        result.accepted++;
        result.perSuggestion[id] = (result.perSuggestion[id] ?? 0) + 1;
      } else if (r.status === 409 && repeat) {
        result.repeatsRefused++;
      } else {
        fail(`${repeat ? 'repeat' : 'vote'} ${r.status}`);
      }
    } catch (err) {
      fail(`network: ${(err as Error).message}`);
    }
  }

  const plans = Array.from({ length: o.viewers }, () => {
    const picks = [...o.suggestionIds].sort(() => rand() - 0.5).slice(0, 1 + Math.floor(rand() * Math.min(3, o.suggestionIds.length)));
    return { picks, at: picks.map(() => rand() * o.durationMs), repeat: rand() < (o.repeatShare ?? 0.1) };
  });
  const start = Date.now();
  await Promise.all(plans.map(async (plan) => {
    const cookie = await cookieFor();
    const order = plan.picks.map((id, i) => ({ id, at: plan.at[i] })).sort((a, b) => a.at - b.at);
    for (const { id, at } of order) {
      const wait = start + at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await vote(cookie, id, false);
    }
    if (plan.repeat) await vote(cookie, order[0].id, true);
  }));
  return result;
}
