// What the public web surface gives away, on the web server alone (a stand-in channel): anonymous
// /api/status is what the page shows and nothing internal (paths, store keys, hashes, hosts, queues,
// error texts); the full status needs the control token; error responses never carry an internal
// message; control routes are rate-limited per address.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startWebServer, type WebServer } from '../src/servers/web/server';
import { freePort } from '../src/servers/temporalDevServer';
import { CONTROL_PER_MINUTE } from '../src/servers/web/controlRoutes';
import { fakeChannel, INTERNAL, type FakeChannel } from './helpers/fakeChannel';

const TOKEN = 'control-token-for-the-exposure-test';
let web: WebServer;
let channel: FakeChannel;
const logged: string[] = [];

before(async () => {
  channel = fakeChannel();
  web = await startWebServer({
    port: await freePort(), client: channel.client, defaultChannel: 'default', flvUrl: (c) => `http://127.0.0.1:1/live/${c}.flv`,
    controlToken: TOKEN, log: (line) => logged.push(line),
  });
});
after(async () => { await web?.stop(); });

const leaks = (text: string) => Object.entries(INTERNAL).filter(([, v]) => text.includes(v)).map(([k]) => k);

test('anonymous /api/status holds what the page shows and nothing internal; with the token, the full status', async () => {
  const r = await fetch(`${web.url}/api/status`);
  assert.equal(r.status, 200);
  const text = await r.text();
  assert.deepEqual(leaks(text), [], `anonymous status leaks nothing: ${text}`);
  const s = JSON.parse(text);
  for (const k of ['path', 'file', 'air', 'backends', 'recentFailures', 'producing', 'production']) assert.ok(!text.includes(`"${k}"`), `no "${k}" field`);
  // What the page renders is all there.
  assert.equal(s.theme, 'a lighthouse keeper');
  assert.equal(s.made, 7);
  assert.equal(s.failed, 1);
  assert.equal(s.onAir.episode.episode, 7);
  assert.deepEqual(s.onAir.episode.shots, [{ prompt: 'shot of episode 7', durationSec: 6 }]);
  assert.equal(s.next[0].shots[0].prompt, 'shot of episode 8');
  assert.ok('viewers' in s && 'comingUp' in s && 'waitingFor' in s && 'fallingBehind' in s);
  // A show: its title, the on-air episode's title, and "Previously:" (no summary of what is on air or next).
  assert.deepEqual(s.show, { title: 'The Keeper' });
  assert.equal(s.onAir.episode.title, 'The Keeper, part 7');
  assert.deepEqual(s.previously.map((e: { episode: number }) => e.episode), [5, 6]);
  assert.ok(!('summary' in s.onAir.episode), 'the summary shows only once an episode is "previously"');

  const full = await fetch(`${web.url}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(full.status, 200);
  assert.deepEqual(leaks(await full.text()).sort(), ['error', 'host', 'path', 'queue', 'sha256', 'storeKey']);
  const wrong = await fetch(`${web.url}/api/status`, { headers: { authorization: 'Bearer not-the-token' } });
  assert.equal(wrong.status, 401);
});

test('error responses carry no internal message (it goes to the log)', async () => {
  channel.failWith = new Error(`connect ECONNREFUSED 10.0.0.7:7233 while reading ${INTERNAL.path}`);
  try {
    for (const [method, url, headers] of [
      ['GET', '/api/status?channel=other', {}],
      ['POST', '/api/pause', { authorization: `Bearer ${TOKEN}` }],
      ['POST', '/api/theme', { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }],
    ] as const) {
      const r = await fetch(`${web.url}${url}`, { method, headers, ...(method === 'POST' && 'content-type' in headers ? { body: '{"theme":"a fox"}' } : {}) });
      const text = await r.text();
      assert.ok(r.status >= 500, `${method} ${url}: ${r.status}`);
      assert.ok(!/ECONNREFUSED|10\.0\.0\.7|\/srv\//.test(text), `${method} ${url} answers no internal text: ${text}`);
      assert.match(JSON.parse(text).error, /\w/);
    }
    assert.ok(logged.some((l) => l.includes('ECONNREFUSED')), 'the internal error is logged');
  } finally {
    channel.failWith = null;
  }
  const bad = await fetch(`${web.url}/api/theme`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{not json' });
  assert.equal(bad.status, 400);
  assert.ok(!/Unexpected|position|JSON\.parse/.test(await bad.text()));
});

test(`control routes answer 429 after ${CONTROL_PER_MINUTE} attempts a minute from one address, right token or not`, async () => {
  const codes: number[] = [];
  for (let i = 0; i < CONTROL_PER_MINUTE + 5; i++) {
    const r = await fetch(`${web.url}/api/skip`, { method: 'POST', headers: { authorization: 'Bearer guess-number-' + i } });
    await r.arrayBuffer();
    codes.push(r.status);
  }
  assert.ok(codes.slice(0, CONTROL_PER_MINUTE - 10).every((c) => c === 401), 'guesses are refused');
  assert.equal(codes.at(-1), 429, 'then the address is held off');
  const right = await fetch(`${web.url}/api/skip`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(right.status, 429, 'even the right token waits: guessing cannot go on at speed');
});

test('behind an HTTPS proxy (WEBTV_TRUST_PROXY, WEBTV_PUBLIC_ORIGIN): its host is allowed, the viewer cookie is Secure, the stream URL is on the public origin', async () => {
  const proxied = await startWebServer({
    port: await freePort(), client: fakeChannel().client, defaultChannel: 'default', flvUrl: (c, h = 'localhost') => `http://${h}:8000/live/${c}.flv`,
    controlToken: TOKEN, trustProxy: ['127.0.0.1'], publicOrigins: [new URL('https://tv.example.org')], log: () => {},
  });
  try {
    const viaProxy = { host: 'tv.example.org', 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.7' };
    const page = await getRaw(proxied.url, '/', viaProxy);
    assert.equal(page.status, 200);
    assert.match(page.cookie, /webtv_viewer=.*; Secure/);
    const config = JSON.parse((await getRaw(proxied.url, '/api/config', viaProxy)).body);
    assert.match(config.flvUrl, /^https:\/\/tv\.example\.org\/live\/default\.flv\?watch=/);
    const plain = await getRaw(proxied.url, '/', { host: 'localhost' });
    assert.equal(plain.status, 200);
    assert.doesNotMatch(plain.cookie, /Secure/, 'over plain HTTP the cookie cannot be Secure');
    assert.equal((await getRaw(proxied.url, '/', { host: 'tv.example.org.evil.example' })).status, 421);
  } finally {
    await proxied.stop();
  }
});

/** A GET with the given headers (Host included, which fetch cannot set). */
function getRaw(base: string, url: string, headers: Record<string, string>): Promise<{ status: number; cookie: string; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: url, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, cookie: String(res.headers['set-cookie'] ?? ''), body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}
