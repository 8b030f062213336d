// The page served to other machines: web and RTMP servers bound to 0.0.0.0, a test pattern on air, the
// page loaded through 127.0.0.2 in headless Chromium. The player is given the stream on the host the page
// came from (not `localhost`) and plays; the page runs under its CSP without a violation; an FLV player
// session counts as watching for the vote rule; unknown Host headers are refused (DNS rebinding).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startRtmpServer, type RtmpServer } from '../src/servers/rtmp';
import { startWebServer, type WebServer } from '../src/servers/web/server';
import { freePort } from '../src/servers/temporalDevServer';
import { publishUrl } from '../src/activities/broadcast/streamUrl';
import { fakeChannel } from './helpers/fakeChannel';
import { streamIsOn } from './helpers/rtmp';
import { waitFor } from './helpers/temporal';

let dir: string;
let rtmp: RtmpServer;
let web: WebServer;
let ffmpeg: ResultPromise;
let browser: Browser;
let webPort: number;
let flvPort: number;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-web-public-'));
  flvPort = await freePort();
  rtmp = await startRtmpServer({ rtmpPort: await freePort(), httpPort: flvPort, bind: '0.0.0.0', storeDir: path.join(dir, 'nms'), secret: 'test-publish-secret-of-24-chars' });
  ffmpeg = execa('ffmpeg', [
    '-hide_banner', '-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=24', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '24', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k',
    '-f', 'flv', publishUrl(rtmp.rtmpBase, 'default', rtmp.secret),
  ], { reject: false });
  await waitFor('the test pattern on air', () => streamIsOn(`http://127.0.0.1:${flvPort}/live/default.flv`, 3), 30_000, 500);
  const channel = fakeChannel();
  webPort = await freePort();
  web = await startWebServer({
    port: webPort, host: '0.0.0.0', client: channel.client, defaultChannel: 'default',
    flvUrl: (c, host) => rtmp.flvUrl(c, host), flvWatch: (t) => rtmp.watch(t), controlToken: 'control-token-for-the-public-test',
    audienceLimits: { suggestionsPerIpPerMinute: 1, votesPerIpPerMinute: 120, newViewersPerIpPerMinute: 30, votesPerAddress: 3, voteAfterSec: 2 },
    publicOrigins: [], log: () => {},
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
});

after(async () => {
  await browser?.close();
  await web?.stop();
  ffmpeg?.kill('SIGKILL');
  await ffmpeg?.catch(() => {});
  await rtmp?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function waitPlaying(page: Page, timeoutMs: number): Promise<void> {
  let last = -1;
  let streak = 0;
  await waitFor('the video to play', async () => {
    const t = await page.evaluate(() => document.querySelector('video')!.currentTime);
    streak = t > last && last >= 0 ? streak + 1 : 0;
    last = t;
    return streak >= 6;
  }, timeoutMs, 500);
}

test('bound to 0.0.0.0, the page loaded through 127.0.0.2 plays the stream from 127.0.0.2, under its CSP', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(`http://127.0.0.2:${webPort}/`);
  const h = response!.headers();
  const csp = h['content-security-policy'];
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, new RegExp(`connect-src 'self' http://127\\.0\\.0\\.2:${flvPort}`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(h['x-content-type-options'], 'nosniff');
  assert.equal(h['referrer-policy'], 'same-origin');

  const config = await page.evaluate(async () => (await fetch('/api/config')).json());
  assert.match(config.flvUrl, new RegExp(`^http://127\\.0\\.0\\.2:${flvPort}/live/default\\.flv\\?watch=[\\w-]{22}$`));
  await waitPlaying(page, 30_000);
  assert.equal(await page.evaluate(() => (window as any).webtv.mode), 'flv');
  // A show's channel: the title of the episode on air and "Previously:" with the episodes before it.
  await page.waitForFunction(() => document.getElementById('episode-title')!.textContent === 'The Keeper, part 7', null, { timeout: 10_000 });
  assert.equal(await page.textContent('#show-title'), 'The Keeper');
  assert.equal(await page.isVisible('#previously-box'), true);
  assert.deepEqual(await page.$$eval('#previously li', (lis) => lis.map((li) => li.textContent)),
    ['The Keeper, part 5: the keeper climbs the tower for the 5th time', 'The Keeper, part 6: the keeper climbs the tower for the 6th time']);

  // Watching through the FLV session (its ticket) opens voting after WEBTV_VOTE_AFTER_SEC.
  const vote = () => page.evaluate(async () => {
    const r = await fetch('/api/vote', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"s1"}' });
    return r.status;
  });
  await waitFor('the FLV viewer allowed to vote', async () => (await vote()) === 202, 20_000, 500);
  assert.deepEqual(problems, [], 'no console error, no CSP violation');
  await page.close();
});

/** A GET with a given Host header. */
function getWithHost(hostHeader: string, url = '/'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: webPort, path: url, headers: { host: hostHeader }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

test('Host allow-list: the machine\'s names and addresses pass, a foreign name (DNS rebinding) gets 421', async () => {
  for (const ok of [`localhost:${webPort}`, `127.0.0.1:${webPort}`, `127.0.0.2:${webPort}`, `[::1]:${webPort}`, `${os.hostname()}:${webPort}`]) {
    assert.equal(await getWithHost(ok), 200, ok);
  }
  for (const address of Object.values(os.networkInterfaces()).flat()) {
    if (!address || address.family !== 'IPv4') continue;
    assert.equal(await getWithHost(`${address.address}:${webPort}`), 200, address.address);
  }
  for (const bad of [`evil.example:${webPort}`, 'attacker.example', `203.0.113.9:${webPort}`]) {
    assert.equal(await getWithHost(bad), 421, bad);
    assert.equal(await getWithHost(bad, '/api/status'), 421, `${bad} /api/status`);
  }
});
