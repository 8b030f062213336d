// A stand-in Temporal client for tests of the web server's HTTP surface alone: one channel whose status
// query answers a fixed status (with the internal details a real one carries), votes and signals recorded,
// and failures on demand. The channel's real behaviour is tested against a real Temporal elsewhere.
import type { Client } from '@temporalio/client';
import type { ChannelStatus, EpisodeRef } from '../../src/shared/channel';
import type { Vote } from '../../src/shared/suggestions';

export const INTERNAL = {
  path: '/srv/webtv/data/air/default/episode-7.mp4',
  storeKey: 'episodes/default/7-3f9a1c.mp4',
  sha256: 'ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12',
  host: 'studio-internal-host',
  queue: 'webtv-air-studio-internal-host',
  error: 'ENOENT: no such file or directory, open \'/srv/webtv/secret/thing\'',
};

const episode = (n: number): EpisodeRef => ({
  episode: n, path: INTERNAL.path, durationSec: 6, theme: 'a lighthouse keeper', degraded: false,
  shots: [{ prompt: `shot of episode ${n}`, durationSec: 6 }],
  file: { key: INTERNAL.storeKey, sha256: INTERNAL.sha256, bytes: 1234 } as unknown as EpisodeRef['file'],
  title: `The Keeper, part ${n}`, summary: `the keeper climbs the tower for the ${n}th time`,
});

export function fakeStatus(): ChannelStatus {
  return {
    channel: 'default', theme: 'a lighthouse keeper', paused: false,
    onAir: { slot: 0, episode: episode(7), since: new Date().toISOString(), reair: false },
    made: 7, failed: 1, recentFailures: [{ episode: 5, theme: 'x', error: INTERNAL.error }], aired: 6, skipped: 0, producedSec: 42, runs: 1,
    next: [episode(8)], producing: [{ episode: 9, theme: 'a lighthouse keeper' }],
    productionVsAir: 1, productionSpeed: 1.2, production: { episodeSec: 42, busySec: 35 }, fallingBehind: false,
    backends: { writer: 'offline' }, viewers: null, air: { host: INTERNAL.host, queue: INTERNAL.queue }, stopped: null,
    audience: true, suggestions: [{ id: 's1', text: 'penguins on a tram', votes: 0, at: new Date().toISOString() }],
    suggestionsChecking: 0, suggestionsRejected: 0, votesCounted: 0,
    moderation: { themeChecked: true } as ChannelStatus['moderation'],
    show: { title: 'The Keeper', characters: ['Ada', 'Mog'] },
    previously: [5, 6].map((n) => ({ episode: n, title: `The Keeper, part ${n}`, summary: `the keeper climbs the tower for the ${n}th time` })),
  } as ChannelStatus;
}

export interface FakeChannel {
  client: Client;
  status: ChannelStatus;
  /** Votes delivered by the web server's batches. */
  votes: Vote[];
  /** Make every call to the workflow fail with this (internal) error; null: answer again. */
  failWith: Error | null;
}

export function fakeChannel(): FakeChannel {
  const fake: FakeChannel = { client: null as unknown as Client, status: fakeStatus(), votes: [], failWith: null };
  const check = () => { if (fake.failWith) throw fake.failWith; };
  const handle = {
    query: async () => { check(); return structuredClone(fake.status); },
    signal: async (def: unknown, arg?: { votes?: Vote[] }) => {
      check();
      if (arg?.votes) fake.votes.push(...arg.votes);
    },
    executeUpdate: async () => { check(); return { id: 's2' }; },
    describe: async () => { check(); return {}; },
  };
  fake.client = {
    workflow: { getHandle: () => handle },
    schedule: { list: async function* () { /* no schedules */ }, getHandle: () => ({ describe: async () => ({}) }) },
  } as unknown as Client;
  return fake;
}
