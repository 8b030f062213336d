// The whole `npm start` stack (dev server from the cached binary, worker, RTMP server, web server,
// channel "default" with offline backends) watched in headless Chromium: the page plays, shows the
// prompt on air, changes the theme through the update, and plays on by itself after ffmpeg is killed;
// the control API needs the token, skip restarts air at the next slot, and HLS comes from the same encode.
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
import { streamIsOn } from './helpers/rtmp';
import { waitFor } from './helpers/temporal';

const artifacts = path.resolve('test-artifacts');
let dataDir: string;
let stack: Stack;
let connection: Connection;
let client: Client;
let browser: Browser;
let page: Page;

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "webtv web-page it's "));
  const ports = { temporal: await freePort(), temporalUi: await freePort(), rtmp: await freePort(), flv: await freePort(), web: await freePort() };
  stack = await startStack({
    dataDir, taskQueue: 'webtv', channel: 'default', bind: '127.0.0.1', ports, hls: true, extraRtmp: [],
    channelOptions: { shots: 1, targetReady: 2 },
    log: () => {},
  });
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  page = await browser.newPage({ viewport: { width: 1100, height: 950 } });
  await page.goto(stack.playerUrl);
});

after(async () => {
  await browser?.close();
  await connection?.close();
  await stack?.stop();
  if (dataDir && !process.env.WEBTV_KEEP_TEST_DIRS) fs.rmSync(dataDir, { recursive: true, force: true });
});

const status = () => client.workflow.getHandle(channelWorkflowId('default')).query(statusQuery);

/** Waits until the page's video has moved forward on `samples` consecutive half-second samples. */
async function waitPlaying(what: string, timeoutMs: number, samples = 6): Promise<void> {
  let last = -1;
  let streak = 0;
  await waitFor(what, async () => {
    const t = await page.evaluate(() => document.querySelector('video')!.currentTime);
    streak = t > last && last >= 0 ? streak + 1 : 0;
    last = t;
    return streak >= samples;
  }, timeoutMs, 500);
}

test('the page plays the channel, shows the prompt on air, and sends a theme change to the workflow', async () => {
  await waitPlaying('the video to play', 60_000);
  const onAir = await waitFor('the first episode on air', async () => (await status()).onAir?.episode, 300_000, 1000);
  const prompts = onAir.shots.map((s) => s.prompt);
  const rate = (await status()).productionVsAir;
  assert.ok(typeof rate === 'number' && rate > 0, `production vs air is reported once an episode exists (got ${rate})`);
  await page.waitForFunction((ps) => ps.includes(document.getElementById('prompt')!.textContent ?? ''), prompts, { timeout: 15_000 });
  const metrics = await (await fetch(`${stack.playerUrl}/metrics`)).text();
  assert.match(metrics, /^webtv_channel_on_air\{channel="default"\} 1$/m, 'the metrics say the channel is on air');
  assert.match(metrics, /^webtv_channel_seconds_since_swap\{channel="default"\} \d/m);

  const token = fs.readFileSync(path.join(dataDir, 'control-token'), 'utf8').trim();
  await page.fill('#token', token);
  await page.fill('#new-theme', '   ');
  await page.click('#theme-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('result')!.className === 'error', null, { timeout: 15_000 });
  assert.match(await page.textContent('#result') ?? '', /empty/);

  const theme = 'origami cranes flying over a neon city at night';
  await page.fill('#new-theme', theme);
  await page.click('#theme-form button[type=submit]');
  await page.waitForFunction(() => /accepted/.test(document.getElementById('result')!.textContent ?? ''), null, { timeout: 15_000 });
  assert.equal((await status()).theme, theme);
  await page.waitForFunction((t) => document.getElementById('theme')!.textContent === t, theme, { timeout: 10_000 });

  const quality = await page.evaluate(() => document.querySelector('video')!.getVideoPlaybackQuality().totalVideoFrames);
  assert.ok(quality > 24, `only ${quality} frames decoded`);
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'web-page.png') });
});

test('after ffmpeg is SIGKILLed the stream is back within 10 s and the page plays on by itself', async (t) => {
  await waitPlaying('the video to play before the kill', 30_000);
  const pidFile = path.join(dataDir, 'channels', 'default', 'air', 'ffmpeg.pid');
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  process.kill(pid, 'SIGKILL');
  const killedAt = Date.now();
  await waitFor('a new on-air ffmpeg', () => {
    const now = Number(fs.readFileSync(pidFile, 'utf8').trim() || 0);
    return now > 0 && now !== pid;
  }, 10_000, 100);
  await waitFor('the stream to be back', () => streamIsOn(stack.flvUrl.replace('localhost', '127.0.0.1'), 2), 10_000 - (Date.now() - killedAt), 200);
  const backAfter = Date.now() - killedAt;
  assert.ok(backAfter <= 10_000, `stream back after ${backAfter} ms`);
  t.diagnostic(`stream back ${backAfter} ms after SIGKILL`);
  await waitPlaying('the page to play again', 30_000);
  await page.screenshot({ path: path.join(artifacts, 'web-page-after-kill.png') });
});

test('control needs the token; skip moves air to the next slot; HLS is served from the same encode', async () => {
  const api = (p: string, token?: string) => fetch(`${stack.playerUrl}/api/${p}`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
  const refused = await api('skip');
  assert.equal(refused.status, 401);
  assert.match((await refused.json()).error, /token/);
  assert.equal((await api('skip', 'wrong-token')).status, 401);

  const before = await status();
  assert.ok(before.onAir, 'something is on air');
  const pidFile = path.join(dataDir, 'channels', 'default', 'air', 'ffmpeg.pid');
  const pid = fs.readFileSync(pidFile, 'utf8');
  const token = fs.readFileSync(path.join(dataDir, 'control-token'), 'utf8').trim();
  assert.equal((await api('skip', token)).status, 200);
  const after = await waitFor('air to restart at the next slot', async () => {
    const s = await status();
    return s.skipped === before.skipped + 1 && s.onAir && s.onAir.slot !== before.onAir!.slot && fs.readFileSync(pidFile, 'utf8') !== pid ? s : null;
  }, 30_000, 200);
  assert.equal(after.onAir!.slot, (before.onAir!.slot + 1) % 2);

  const m3u8 = await waitFor('the HLS playlist', async () => {
    const r = await fetch(`${stack.playerUrl}/hls/default/index.m3u8`);
    const text = r.ok ? await r.text() : '';
    return /\.ts/.test(text) ? text : null;
  }, 30_000, 500);
  const segment = m3u8.split('\n').find((l) => l.endsWith('.ts'))!;
  const seg = await fetch(`${stack.playerUrl}/hls/default/${segment}`);
  assert.equal(seg.status, 200);
  assert.ok((await seg.arrayBuffer()).byteLength > 10_000, 'an HLS segment with media in it');
  await waitPlaying('the page to play after the skip', 30_000);
});
