// A programme on Temporal Schedules, end to end: the real `npm start` stack, the real CLI, the real
// dev server's schedules, and the page in headless Chromium. A schedule every 10 s changes the theme
// (through the channel's setTheme update) twice; bad input is refused with a clear line; the page's
// "Coming up" is what `webtv schedule list` says.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { chromium, type Browser } from 'playwright-core';
import { freePort, temporalCliPath } from '../src/servers/temporalDevServer';
import { startStack, type Stack } from '../src/servers/stack';
import { channelWorkflowId } from '../src/shared/channel';
import { statusQuery } from '../src/shared/channelMessages';
import type { ProgrammeSchedule } from '../src/channels/schedules';
import { waitFor } from './helpers/temporal';

let dataDir: string;
let stack: Stack;
let connection: Connection;
let client: Client;
let browser: Browser | undefined;

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-schedule-'));
  const ports = { temporal: await freePort(), temporalUi: await freePort(), rtmp: await freePort(), flv: await freePort(), web: await freePort() };
  stack = await startStack({
    dataDir, taskQueue: 'webtv', channel: 'default', bind: '127.0.0.1', ports, hls: false, extraRtmp: [],
    channelOptions: { shots: 1, targetReady: 1 },
    log: () => {},
  });
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
});

after(async () => {
  await browser?.close();
  await connection?.close();
  await stack?.stop();
  if (dataDir && !process.env.WEBTV_KEEP_TEST_DIRS) fs.rmSync(dataDir, { recursive: true, force: true });
});

const webtv = (...args: string[]) => execa(process.execPath, ['bin/webtv.js', ...args], {
  env: { ...process.env, TEMPORAL_ADDRESS: stack.temporalAddress, WEBTV_TASK_QUEUE: 'webtv' }, reject: false,
});
const theme = async () => (await client.workflow.getHandle(channelWorkflowId('default')).query(statusQuery)).theme;

test('bad schedules are refused with one clear line and nothing is created', async () => {
  const badCron = await webtv('schedule', 'add', 'default', '--cron', '61 25 * * *', '--theme', 'a quiet harbour');
  assert.equal(badCron.exitCode, 2, badCron.stderr);
  assert.match(badCron.stderr, /^webtv schedule: invalid cron expression "61 25 \* \* \*" .*e\.g\. "0 18 \* \* \*"/);
  assert.equal(badCron.stderr.trim().split('\n').length, 1);
  const unknown = await webtv('schedule', 'add', 'nosuchchannel', '--cron', '0 18 * * *', '--theme', 'a quiet harbour');
  assert.equal(unknown.exitCode, 2);
  assert.match(unknown.stderr, /unknown channel "nosuchchannel": start it first with "webtv channel start nosuchchannel"/);
  const long = await webtv('schedule', 'add', 'default', '--cron', '0 18 * * *', '--theme', 'x'.repeat(2001));
  assert.equal(long.exitCode, 2);
  assert.match(long.stderr, /theme: the theme is 2001 characters long; keep it to 2000 or fewer/);
  const missing = await webtv('schedule', 'remove', 'theme/default/nope');
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /no schedule "theme\/default\/nope"/);
  const list = await webtv('schedule', 'list', 'default', '--json');
  assert.deepEqual(JSON.parse(list.stdout), []);
});

test('a schedule every 10 s changes the theme twice; the page\'s Coming up matches schedule list', async () => {
  const scheduled = 'paper boats racing down a rainy gutter';
  const added = await webtv('schedule', 'add', 'default', '--cron', '@every 10s', '--theme', scheduled, '--note', 'rain hour', '--json');
  assert.equal(added.exitCode, 0, added.stderr);
  const s: ProgrammeSchedule = JSON.parse(added.stdout);
  assert.match(s.id, /^theme\/default\/[0-9a-f]{8}$/);
  assert.equal(s.next.length > 0, true);

  await waitFor('the first scheduled change', async () => (await theme()) === scheduled, 60_000, 500);
  const manual = await webtv('channel', 'theme', 'default', 'a lighthouse keeper\'s breakfast');
  assert.equal(manual.exitCode, 0, manual.stderr);
  await waitFor('the second scheduled change', async () => (await theme()) === scheduled, 60_000, 500);
  const removed = await webtv('schedule', 'remove', s.id);
  assert.equal(removed.exitCode, 0, removed.stderr);
  // Each firing ran scheduledThemeWorkflow, which went through the update and completed. The theme changes
  // when the update returns, a moment before the workflow completes, and visibility lags behind both.
  let seen: string[] = [];
  await waitFor('two firings completed', async () => {
    const runs = [];
    for await (const w of client.workflow.list({ query: `WorkflowType = 'scheduledThemeWorkflow'` })) runs.push(w);
    seen = runs.map((w) => w.status.name);
    return seen.filter((x) => x === 'COMPLETED').length >= 2;
  }, 30_000, 500).catch(() => assert.fail(`at least two firings completed (${seen})`));

  // Two schedules far apart in time: Coming up is their next three firings, soonest first.
  for (const [cron, t] of [['0 18 * * *', 'the evening news read by owls'], ['30 * * * *', 'half-past jazz on a rooftop']]) {
    const r = await webtv('schedule', 'add', 'default', '--cron', cron, '--theme', t);
    assert.equal(r.exitCode, 0, r.stderr);
  }
  const listed: ProgrammeSchedule[] = JSON.parse((await webtv('schedule', 'list', 'default', '--json')).stdout);
  assert.equal(listed.length, 2);
  assert.deepEqual(listed.map((x) => x.cron[0]).sort(), ['0 18 * * *', '30 * * * *']);
  const expected = listed.flatMap((x) => x.next.map((at) => ({ at, theme: x.theme }))).sort((a, b) => a.at.localeCompare(b.at)).slice(0, 3);
  assert.equal(expected.length, 3);

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  const page = await browser.newPage();
  await page.goto(stack.playerUrl);
  await page.waitForFunction(() => document.querySelectorAll('#coming-up li[data-at]').length === 3, null, { timeout: 30_000 });
  const shown = await page.$$eval('#coming-up li', (lis) => lis.map((li) => ({ at: (li as HTMLElement).dataset.at!, text: li.textContent! })));
  assert.deepEqual(shown.map((x) => x.at), expected.map((x) => x.at));
  for (const [i, x] of shown.entries()) {
    assert.ok(x.text.includes(expected[i].theme), x.text);
    const local = await page.evaluate((at) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }), x.at);
    assert.ok(x.text.startsWith(local), `local time shown: ${x.text}`);
  }
  const status = await webtv('channel', 'status', 'default');
  assert.match(status.stdout, /coming up .*(the evening news read by owls|half-past jazz on a rooftop)/);
  for (const x of listed) assert.equal((await webtv('schedule', 'remove', x.id)).exitCode, 0);
});

test('a schedule made with `temporal schedule create` (the documented command) is one of the channel\'s', async () => {
  const temporal = await temporalCliPath();
  const created = await execa(temporal, [
    'schedule', 'create', '--address', stack.temporalAddress,
    '--schedule-id', 'theme/default/evening',
    '--cron', '0 18 * * *',
    '--workflow-id', 'theme/default/evening', '--task-queue', 'webtv', '--type', 'scheduledThemeWorkflow',
    '--input', '{"channel":"default","theme":"the evening news read by owls","note":"evening"}',
  ], { reject: false });
  assert.equal(created.exitCode, 0, created.stderr);
  const listed: ProgrammeSchedule[] = JSON.parse((await webtv('schedule', 'list', 'default', '--json')).stdout);
  assert.deepEqual(listed.map((x) => [x.id, x.theme, x.note]), [['theme/default/evening', 'the evening news read by owls', 'evening']]);
  assert.equal(new Date(listed[0].next[0]).getUTCHours(), 18, 'next firing at 18:00 UTC');
  assert.equal((await webtv('schedule', 'remove', 'theme/default/evening')).exitCode, 0);
  const after = await execa(temporal, ['schedule', 'list', '--address', stack.temporalAddress], { reject: false });
  assert.doesNotMatch(after.stdout, /theme\/default\/evening/);
});
