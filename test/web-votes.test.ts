// One viewer, one vote, on the web server itself (a stand-in channel records the votes it is sent):
// a script without a cookie jar casting 200 votes from one address moves the count by at most 1; ids
// minted in bulk are refused; a script that keeps its cookies and watches gets at most
// WEBTV_VOTES_PER_ADDRESS votes from one address; 20 source addresses (127.0.0.2 … 127.0.0.21), each
// watching the HLS stream, move it by 20; an IPv6 client counts by its /64, read from X-Forwarded-For
// only from a trusted proxy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startWebServer, type WebServer } from '../src/servers/web/server';
import { freePort } from '../src/servers/temporalDevServer';
import { audienceLimitsFromEnv, publicOriginsFromEnv, trustProxyFromEnv, type AudienceLimits, type TrustProxy } from '../src/config/web';
import { fakeChannel, type FakeChannel } from './helpers/fakeChannel';
import { waitFor } from './helpers/temporal';

const VOTE_AFTER_SEC = 2;
const limits: AudienceLimits = {
  suggestionsPerIpPerMinute: 1, votesPerIpPerMinute: 120, newViewersPerIpPerMinute: 30, votesPerAddress: 3, voteAfterSec: VOTE_AFTER_SEC,
};

interface Server { web: WebServer; channel: FakeChannel; port: number; hlsDir: string }

async function startServer(trustProxy: TrustProxy = false): Promise<Server> {
  const hlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-votes-'));
  fs.mkdirSync(path.join(hlsDir, 'default'));
  fs.writeFileSync(path.join(hlsDir, 'default', 'seg0.ts'), Buffer.alloc(188, 0x47));
  const channel = fakeChannel();
  const port = await freePort();
  const web = await startWebServer({
    port, client: channel.client, defaultChannel: 'default', flvUrl: (c, h = '127.0.0.1') => `http://${h}:1/live/${c}.flv`, hlsDir,
    controlToken: 'control-token-for-the-votes-test', audienceLimits: limits, trustProxy, log: () => {},
  });
  return { web, channel, port, hlsDir };
}

/** Stops the server, which sends the votes it accepted; returns the votes the channel got for s1. */
async function stopAndCount(s: Server): Promise<number> {
  await s.web.stop();
  fs.rmSync(s.hlsDir, { recursive: true, force: true });
  return s.channel.votes.filter((v) => v.id === 's1').length;
}

interface Reply { status: number; cookie: string | null; body: string }

/** One HTTP request from a given source address (the client socket is bound to it). */
function request(s: Server, from: string, method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.port, localAddress: from, method, path: url, agent: false, headers: {
      ...(body ? { 'content-type': 'application/json' } : {}), ...headers,
    } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode!, cookie: /webtv_viewer=[^;]+/.exec(String(res.headers['set-cookie'] ?? ''))?.[0] ?? null, body: Buffer.concat(chunks).toString(),
      }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const vote = (s: Server, from: string, cookie: string | null, headers: Record<string, string> = {}) =>
  request(s, from, 'POST', '/api/vote', { ...(cookie ? { cookie } : {}), ...headers }, '{"id":"s1"}');

/** Watches like a player: fetches HLS segments with its cookie until the server lets it vote. */
async function watchThenVote(s: Server, from: string, cookie: string, headers: Record<string, string> = {}): Promise<Reply> {
  const segment = () => request(s, from, 'GET', '/hls/default/seg0.ts', { cookie, ...headers });
  assert.equal((await segment()).status, 200);
  const early = await vote(s, from, cookie, headers);
  assert.equal(early.status, 403, `a new viewer cannot vote before watching: ${early.body}`);
  assert.match(JSON.parse(early.body).error, /Votes open once you have watched for 2 s: try again in \d+ s/);
  return waitFor(`${from} allowed to vote after watching`, async () => {
    await segment();
    const r = await vote(s, from, cookie, headers);
    return r.status === 403 ? null : r;
  }, 20_000, 250);
}

test('200 votes from one address without a cookie jar move the count by at most 1; minting ids is limited', async () => {
  const s = await startServer();
  let minted = 0;
  const statuses: Record<number, number> = {};
  for (let i = 0; i < 200; i++) {
    const page = await request(s, '127.0.0.1', 'GET', '/api/suggestions');
    assert.equal(page.status, 200, 'the page keeps working for everyone');
    if (page.cookie) minted++;
    const r = await vote(s, '127.0.0.1', page.cookie);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
  assert.ok(minted <= limits.newViewersPerIpPerMinute, `at most ${limits.newViewersPerIpPerMinute} new ids a minute from one address (${minted})`);
  const counted = await stopAndCount(s);
  assert.ok(counted <= 1, `the count moved by ${counted} (statuses ${JSON.stringify(statuses)})`);
});

test('a script that keeps its cookies and watches gets at most WEBTV_VOTES_PER_ADDRESS votes from one address', async () => {
  const s = await startServer();
  const cookies: string[] = [];
  for (let i = 0; i < 6; i++) cookies.push((await request(s, '127.0.0.1', 'GET', '/')).cookie!);
  const results = await Promise.all(cookies.map((c) => watchThenVote(s, '127.0.0.1', c)));
  assert.deepEqual(results.map((r) => r.status).sort(), [202, 202, 202, 429, 429, 429]);
  assert.match(results.find((r) => r.status === 429)!.body, /already has 3 votes from your network/);
  assert.equal(await stopAndCount(s), 3);
});

test('20 source addresses, each watching, move the count by 20', async () => {
  const s = await startServer();
  const addresses = Array.from({ length: 20 }, (_, i) => `127.0.0.${i + 2}`);
  const results = await Promise.all(addresses.map(async (from) => {
    const cookie = (await request(s, from, 'GET', '/')).cookie;
    assert.ok(cookie, `${from} gets a viewer id`);
    const r = await watchThenVote(s, from, cookie);
    const again = await vote(s, from, cookie);
    assert.equal(again.status, 409, 'a second vote from the same viewer is refused');
    return r.status;
  }));
  assert.deepEqual(results, addresses.map(() => 202));
  assert.equal(await stopAndCount(s), 20);
});

test('behind a trusted proxy each client address counts, an IPv6 client by its /64; an untrusted X-Forwarded-For is ignored', async () => {
  const proxied = await startServer(['127.0.0.1']);
  const sameSlash64 = ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::9', '2001:db8:1:2:aaaa::7'];
  const other = '2001:db8:1:3::1';
  const results: number[] = [];
  for (const ip of [...sameSlash64, other]) {
    const xff = { 'x-forwarded-for': ip };
    const cookie = (await request(proxied, '127.0.0.1', 'GET', '/', xff)).cookie!;
    results.push((await watchThenVote(proxied, '127.0.0.1', cookie, xff)).status);
  }
  assert.deepEqual(results, [202, 202, 202, 429, 202], 'one /64 gives at most 3 votes; the next /64 is another address');
  assert.equal(await stopAndCount(proxied), 4);

  const direct = await startServer(false);
  const directResults: number[] = [];
  for (const ip of ['2001:db8:9::1', '2001:db8:8::1', '2001:db8:7::1', '2001:db8:6::1']) {
    const xff = { 'x-forwarded-for': ip };
    const cookie = (await request(direct, '127.0.0.1', 'GET', '/', xff)).cookie!;
    directResults.push((await watchThenVote(direct, '127.0.0.1', cookie, xff)).status);
  }
  assert.deepEqual(directResults, [202, 202, 202, 429], 'without WEBTV_TRUST_PROXY the header is ignored: one address');
  assert.equal(await stopAndCount(direct), 3);
});

test('the per-address suggestion limit keys on the normalised address too: one IPv6 /64 is one address', async () => {
  const proxied = await startServer(['127.0.0.1']);
  try {
    const suggest = async (ip: string) => {
      const xff = { 'x-forwarded-for': ip };
      const cookie = (await request(proxied, '127.0.0.1', 'GET', '/', xff)).cookie!;
      return request(proxied, '127.0.0.1', 'POST', '/api/suggest', { cookie, ...xff }, '{"text":"a heron fishing at dawn"}');
    };
    assert.equal((await suggest('2001:db8:5:6::1')).status, 202);
    const sameNetwork = await suggest('2001:db8:5:6:8000::2');
    assert.equal(sameNetwork.status, 429, 'another address in the same /64 waits');
    assert.match(JSON.parse(sameNetwork.body).error, /Someone on your network/);
    assert.equal((await suggest('2001:db8:5:7::1')).status, 202, 'the next /64 is another network');
  } finally {
    await stopAndCount(proxied);
  }
});

test('WEBTV_TRUST_PROXY, WEBTV_VOTES_PER_ADDRESS, WEBTV_VOTE_AFTER_SEC are read and checked, one line naming the variable', () => {
  assert.equal(trustProxyFromEnv({}), false);
  assert.equal(trustProxyFromEnv({ WEBTV_TRUST_PROXY: '1' }), 1);
  assert.deepEqual(trustProxyFromEnv({ WEBTV_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8 loopback ::1' }), ['127.0.0.1', '10.0.0.0/8', 'loopback', '::1']);
  for (const bad of ['true', '0', '10.0.0.0/33', 'proxy.example']) assert.throws(() => trustProxyFromEnv({ WEBTV_TRUST_PROXY: bad }), /WEBTV_TRUST_PROXY/);
  const d = audienceLimitsFromEnv({});
  assert.equal(d.votesPerAddress, 3);
  assert.equal(d.voteAfterSec, 30);
  assert.equal(audienceLimitsFromEnv({ WEBTV_VOTE_AFTER_SEC: '0' }).voteAfterSec, 0);
  assert.throws(() => audienceLimitsFromEnv({ WEBTV_VOTES_PER_ADDRESS: '0' }), /WEBTV_VOTES_PER_ADDRESS must be a whole number ≥ 1/);
  assert.throws(() => audienceLimitsFromEnv({ WEBTV_VOTE_AFTER_SEC: 'soon' }), /WEBTV_VOTE_AFTER_SEC/);
  assert.deepEqual(publicOriginsFromEnv({ WEBTV_PUBLIC_ORIGIN: 'https://tv.example.org http://192.0.2.5:8080' }).map((u) => u.host), ['tv.example.org', '192.0.2.5:8080']);
  assert.throws(() => publicOriginsFromEnv({ WEBTV_PUBLIC_ORIGIN: 'tv.example.org/path' }), /WEBTV_PUBLIC_ORIGIN/);
});
