// How many are watching, measured on the real stack: three headless Chromium pages playing the FLV
// stream count 3 (on the page, in /api/status and in `webtv channel status` from another process);
// closing them brings it to 0 within 30 s. Distinct HLS clients count while they fetch segments.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../src/servers/temporalDevServer';
import { startStack, type Stack } from '../src/servers/stack';
import { waitFor } from './helpers/temporal';

let dataDir: string;
let stack: Stack;
let browser: Browser;

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-viewers-'));
  const ports = { temporal: await freePort(), temporalUi: await freePort(), rtmp: await freePort(), flv: await freePort(), web: await freePort() };
  stack = await startStack({
    dataDir, taskQueue: 'webtv', channel: 'default', bind: '127.0.0.1', ports, hls: true, extraRtmp: [],
    channelOptions: { shots: 1, targetReady: 1 },
    log: () => {},
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  if (dataDir && !process.env.WEBTV_KEEP_TEST_DIRS) fs.rmSync(dataDir, { recursive: true, force: true });
});

const apiViewers = async (): Promise<number> => (await (await fetch(`${stack.playerUrl}/api/status`)).json()).viewers;
const cliViewers = async (): Promise<number | null> => {
  const r = await execa(process.execPath, ['bin/webtv.js', 'channel', 'status', 'default', '--json'], {
    env: { ...process.env, TEMPORAL_ADDRESS: stack.temporalAddress, WEBTV_TASK_QUEUE: 'webtv' }, reject: false,
  });
  return r.exitCode === 0 ? JSON.parse(r.stdout).viewers : null;
};

test('three Chromium pages count 3 watching; closing them brings it to 0 within 30 s', async () => {
  assert.equal(await stack.onAir, true, 'the stream went on air');
  // First impressions: the standby says what it waits for, and nothing claims the channel falls behind.
  const first = await (await fetch(`${stack.playerUrl}/api/status`)).json();
  assert.equal(first.fallingBehind, false, 'not "falling behind" before an episode has aired and been measured');
  if (!first.onAir?.episode && first.next.length === 0) {
    assert.match(first.waitingFor, /^first episode: (writing the shot list|shot \d\/1|putting it together|ready in a moment|in production)$/);
  }
  await waitFor('nobody watching yet', async () => (await apiViewers()) === 0, 30_000, 500);
  const pages: Page[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage();
    await page.goto(stack.playerUrl);
    pages.push(page);
  }
  for (const page of pages) {
    await page.waitForFunction(() => document.querySelector('video')!.currentTime > 0.5, null, { timeout: 60_000 });
  }
  await waitFor('3 viewers in /api/status', async () => (await apiViewers()) === 3, 30_000, 500);
  await pages[0].waitForFunction(() => document.getElementById('watching')!.textContent === '3 watching', null, { timeout: 15_000 });
  await waitFor('3 viewers in `webtv channel status`', async () => (await cliViewers()) === 3, 30_000, 1000);
  const text = await execa(process.execPath, ['bin/webtv.js', 'channel', 'status', 'default'], {
    env: { ...process.env, TEMPORAL_ADDRESS: stack.temporalAddress }, reject: false,
  });
  assert.match(text.stdout, /^watching\s+3$/m);

  for (const page of pages) await page.close();
  const closedAt = Date.now();
  await waitFor('0 viewers after the pages closed', async () => (await apiViewers()) === 0, 30_000, 250);
  await waitFor('0 viewers in `webtv channel status`', async () => (await cliViewers()) === 0, 30_000 - (Date.now() - closedAt), 1000);
  assert.ok(Date.now() - closedAt <= 30_000);
});

test('distinct HLS clients that fetched a segment count until 30 s after their last fetch', async () => {
  const m3u8 = await waitFor('the HLS playlist', async () => {
    const r = await fetch(`${stack.playerUrl}/hls/default/index.m3u8`);
    const body = r.ok ? await r.text() : '';
    return /\.ts/.test(body) ? body : null;
  }, 60_000, 500);
  const segment = m3u8.split('\n').find((l) => l.endsWith('.ts'))!;
  const fetchedAt = Date.now();
  for (const id of ['hls-viewer-one', 'hls-viewer-two', 'hls-viewer-two']) {
    const r = await fetch(`${stack.playerUrl}/hls/default/${segment}`, { headers: { 'x-webtv-viewer': id } });
    assert.equal(r.status, 200);
    await r.arrayBuffer();
  }
  assert.equal(await apiViewers(), 2, 'two distinct HLS clients');
  await waitFor('the HLS clients to age out', async () => (await apiViewers()) === 0, 45_000, 500);
  const gone = Date.now() - fetchedAt;
  assert.ok(gone >= 29_000 && gone <= 40_000, `counted for ${gone} ms after the last fetch`);
});
