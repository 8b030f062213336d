// Viewers on the real page (headless Chromium, the whole `npm start` stack, offline backends): three
// browser contexts (three viewers with their own cookies) suggest and vote; a hostile suggestion never
// shows in any of them; a second suggestion within a minute and a second vote are refused with a clear
// message and not counted; with `audience` on the winner airs next and the page says it was suggested by
// a viewer. Cross-origin POSTs and oversized bodies are refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../src/servers/temporalDevServer';
import { startStack, type Stack } from '../src/servers/stack';
import { channelWorkflowId } from '../src/shared/channel';
import { statusQuery } from '../src/shared/channelMessages';
import { waitFor } from './helpers/temporal';

const artifacts = path.resolve('test-artifacts');
const HOSTILE = 'a massacre at the county fair';
let dataDir: string;
let stack: Stack;
let connection: Connection;
let client: Client;
let browser: Browser;
const savedEnv = process.env.WEBTV_SUGGESTIONS_PER_IP;
const savedVoteAfter = process.env.WEBTV_VOTE_AFTER_SEC;

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-web-audience-'));
  // Every context here comes from 127.0.0.1: let the IP suggest a few times a minute (each viewer still once).
  process.env.WEBTV_SUGGESTIONS_PER_IP = '10';
  // A new viewer votes once the server has seen its player watching: 2 s here instead of 30.
  process.env.WEBTV_VOTE_AFTER_SEC = '2';
  const ports = { temporal: await freePort(), temporalUi: await freePort(), rtmp: await freePort(), flv: await freePort(), web: await freePort() };
  stack = await startStack({
    dataDir, taskQueue: 'webtv', channel: 'default', bind: '127.0.0.1', ports, hls: false, extraRtmp: [],
    channelOptions: { shots: 1, targetReady: 1, audience: true },
    log: () => {},
  });
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
});

after(async () => {
  if (savedEnv === undefined) delete process.env.WEBTV_SUGGESTIONS_PER_IP;
  else process.env.WEBTV_SUGGESTIONS_PER_IP = savedEnv;
  if (savedVoteAfter === undefined) delete process.env.WEBTV_VOTE_AFTER_SEC;
  else process.env.WEBTV_VOTE_AFTER_SEC = savedVoteAfter;
  await browser?.close();
  await connection?.close();
  await stack?.stop();
  if (dataDir && !process.env.WEBTV_KEEP_TEST_DIRS) fs.rmSync(dataDir, { recursive: true, force: true });
});

const status = () => client.workflow.getHandle(channelWorkflowId('default')).query(statusQuery);

async function viewerPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1100 } });
  const page = await context.newPage();
  // Records whether the hostile text ever shows anywhere on the page, at any moment.
  await page.addInitScript((hostile) => {
    (window as any).sawHostile = false;
    new MutationObserver(() => {
      if (document.body?.innerText.toLowerCase().includes(hostile)) (window as any).sawHostile = true;
    }).observe(document, { childList: true, subtree: true, characterData: true });
  }, 'massacre');
  await page.goto(stack.playerUrl);
  return page;
}

async function suggest(page: Page, text: string): Promise<string> {
  await page.fill('#suggest-text', text);
  await page.click('#suggest-form button[type=submit]');
  await page.waitForFunction(() => !/sending/.test(document.getElementById('suggest-result')!.textContent ?? ''), null, { timeout: 30_000 });
  return (await page.textContent('#suggest-result')) ?? '';
}

const shownTexts = (page: Page) => page.$$eval('#suggestions li .text', (els) => els.map((e) => e.textContent));
const voteButton = (page: Page, text: string) => page.locator('#suggestions li', { hasText: text }).locator('button');

test('viewers suggest and vote; limits answer clearly; a hostile suggestion never shows; the winner airs next, said on the page', async () => {
  const token = fs.readFileSync(path.join(dataDir, 'control-token'), 'utf8').trim();
  const control = (what: string) => fetch(`${stack.playerUrl}/api/${what}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  // Paused while viewers suggest, so no episode takes a suggestion before the votes are in.
  assert.equal((await control('pause')).status, 200);

  const [a, b, c] = [await viewerPage(), await viewerPage(), await viewerPage()];
  assert.match(await suggest(a, 'a jazz band of cats'), /being checked/);
  const again = await suggest(a, 'a second idea within the minute');
  assert.equal(await a.getAttribute('#suggest-result', 'class'), 'error');
  assert.match(again, /one theme a minute: try again in \d+ s/);
  assert.match(await suggest(b, 'penguins on a tram'), /being checked/);
  assert.match(await suggest(c, HOSTILE), /being checked/);

  for (const page of [a, b]) {
    await page.waitForFunction(() => document.querySelectorAll('#suggestions li').length === 2, null, { timeout: 60_000 });
    assert.deepEqual((await shownTexts(page)).sort(), ['a jazz band of cats', 'penguins on a tram']);
  }
  await waitFor('the hostile suggestion to be rejected', () => status().then((s) => s.suggestionsRejected === 1 && s.suggestionsChecking === 0), 60_000, 500);
  // Votes count once the server has seen each viewer's player on the stream for WEBTV_VOTE_AFTER_SEC.
  for (const page of [a, b]) await page.waitForFunction(() => document.querySelector('video')!.currentTime > 3, null, { timeout: 120_000 });

  await voteButton(a, 'penguins on a tram').click();
  await voteButton(b, 'penguins on a tram').click();
  await voteButton(b, 'a jazz band of cats').click();
  await a.waitForFunction(() => [...document.querySelectorAll('#suggestions li')].some((li) => /penguins/.test(li.textContent!) && /Voted/.test(li.textContent!)), null, { timeout: 15_000 });
  // The button is disabled after a vote; a second one sent anyway (same cookie, same origin) is refused.
  const second = await a.evaluate(async () => {
    const list = await (await fetch('/api/suggestions')).json();
    const id = list.suggestions.find((s: { text: string }) => /penguins/.test(s.text)).id;
    const r = await fetch('/api/vote', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(second.status, 409);
  assert.match(second.body.error, /already voted/);
  await waitFor('three votes counted', () => status().then((s) => s.votesCounted === 3), 30_000, 300);
  const counted = await status();
  assert.deepEqual(counted.suggestions.map((s) => [s.text, s.votes]), [['penguins on a tram', 2], ['a jazz band of cats', 1]]);
  await b.waitForFunction(() => /2 votes/.test(document.querySelector('#suggestions li')!.textContent!), null, { timeout: 15_000 });

  // A foreign page cannot post for a viewer; nor can anyone send a big body.
  const foreign = await fetch(`${stack.playerUrl}/api/suggest`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{"text":"x"}' });
  assert.equal(foreign.status, 403);
  assert.match((await foreign.json()).error, /cross-origin/);
  const cookie = (await a.context().cookies()).find((k) => k.name === 'webtv_viewer')!;
  const big = await fetch(`${stack.playerUrl}/api/suggest`, {
    method: 'POST', headers: { cookie: `webtv_viewer=${cookie.value}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'y'.repeat(5000) }),
  });
  assert.equal(big.status, 413);
  const forged = await fetch(`${stack.playerUrl}/api/vote`, {
    method: 'POST', headers: { cookie: 'webtv_viewer=forged-viewer-id.bad', 'content-type': 'application/json' }, body: '{"id":"s1"}',
  });
  assert.equal(forged.status, 403);

  assert.equal((await control('resume')).status, 200);
  const onAir = await waitFor('a viewer\'s suggestion on air', async () => {
    const s = await status();
    return s.onAir?.episode?.suggested ? s.onAir.episode : null;
  }, 600_000, 1000);
  assert.equal(onAir.theme, 'penguins on a tram', 'the most voted suggestion airs first');
  for (const page of [a, b]) {
    await page.waitForFunction(() => /Suggested by a viewer: “penguins on a tram”/.test(document.getElementById('onair-suggested')!.textContent ?? ''), null, { timeout: 15_000 });
    await page.waitForFunction(() => ![...document.querySelectorAll('#suggestions li .text')].some((e) => /penguins/.test(e.textContent!)), null, { timeout: 15_000 });
  }
  for (const page of [a, b, c]) {
    assert.equal(await page.evaluate(() => (window as any).sawHostile), false, 'the hostile suggestion never showed');
  }
  fs.mkdirSync(artifacts, { recursive: true });
  await a.screenshot({ path: path.join(artifacts, 'web-audience.png'), fullPage: true });
});
