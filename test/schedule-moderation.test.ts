// "Coming up" shows viewers only scheduled texts that moderation passed: `webtv schedule add` refuses a
// theme or note the rules refuse (nothing is created); a schedule made behind its back (the client's
// schedule.create, as `temporal schedule create` does) is checked when Coming up first lists it, hidden
// until the check passes, and never shown when it fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import path from 'node:path';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { defaultBackends } from '../src/activities/backends/registry';
import { addSchedule, comingUp, listSchedules, removeSchedule } from '../src/channels/schedules';
import { moderationCheckId } from '../src/channels/scheduleModeration';
import { channelWorkflowId } from '../src/shared/channel';
import { pauseSignal } from '../src/shared/channelMessages';
import { SCHEDULED_THEME_WORKFLOW } from '../src/shared/schedule';

let t: TestTemporal;
let taskQueue: string;
before(async () => {
  t = await startTemporal();
  taskQueue = (await t.startWorker({ dataDir: path.join(t.tmpDir, 'data'), backends: defaultBackends() })).taskQueue;
  await t.client.workflow.signalWithStart('channelWorkflow', {
    taskQueue, workflowId: channelWorkflowId('sm'), args: [{ channel: 'sm', broadcast: false }], signal: pauseSignal, signalArgs: [],
  });
});
after(async () => {
  await t?.stop();
});

/** The themes Coming up shows (each schedule once: it lists the next firings). */
const themesShown = async () => [...new Set((await comingUp(t.client, 'sm', 20)).map((c) => c.theme))].sort();

/** A schedule made without webtv, as `temporal schedule create --input …` makes it. */
async function createBehindTheBack(id: string, input: { theme: string; note?: string }) {
  await t.client.schedule.create({
    scheduleId: id,
    spec: { cronExpressions: ['0 18 * * *'] },
    action: { type: 'startWorkflow', workflowType: SCHEDULED_THEME_WORKFLOW, workflowId: id, taskQueue, args: [{ channel: 'sm', ...input }] },
  });
}

test('webtv schedule add refuses a theme or a note that moderation refuses, and creates nothing', async () => {
  const env = { ...process.env, TEMPORAL_ADDRESS: t.server.address, WEBTV_TASK_QUEUE: taskQueue };
  const cli = await execa(process.execPath, ['bin/webtv.js', 'schedule', 'add', 'sm', '--cron', '0 18 * * *', '--theme', 'a t0rture chamber tour'], { env, reject: false });
  assert.equal(cli.exitCode, 2, cli.stderr);
  assert.equal(cli.stderr.trim(), 'webtv schedule: the theme was refused by moderation (violence); choose another theme');
  await assert.rejects(addSchedule(t.client, { channel: 'sm', cron: '0 18 * * *', theme: 'a calm harbour', note: 'kiiill yourself', taskQueue }),
    /the note was refused by moderation \(harassment\)/);
  assert.deepEqual(await listSchedules(t.client, 'sm'), []);
});

test('a schedule made with webtv schedule add shows at once; one made behind its back only once checked, and a refused one never', async () => {
  const added = await addSchedule(t.client, { channel: 'sm', cron: '0 18 * * *', theme: 'paper boats in the rain', note: 'rain hour', taskQueue });
  assert.deepEqual(await themesShown(), ['paper boats in the rain'], 'checked when added: shown on first listing');

  await createBehindTheBack('theme/sm/owls', { theme: 'the evening news read by owls', note: 'evening' });
  await createBehindTheBack('theme/sm/bad-theme', { theme: 'ѕuі\ncіdе hour' });
  await createBehindTheBack('theme/sm/bad-note', { theme: 'a quiet harbour', note: '\u202eruoh lufecaep a' });
  assert.deepEqual(await themesShown(), ['paper boats in the rain'], 'not checked yet: hidden');

  await waitFor('the owls to be shown', async () => (await themesShown()).length === 2, 60_000, 300);
  for (const text of ['ѕuі\ncіdе hour', '\u202eruoh lufecaep a']) {
    const handle = t.client.workflow.getHandle(moderationCheckId(text));
    assert.equal((await handle.result()).allowed, false, 'its check ran and refused it');
  }
  assert.deepEqual(await themesShown(), ['paper boats in the rain', 'the evening news read by owls'], 'a schedule whose theme or note was refused is hidden whole');
  for (const id of [added.id, 'theme/sm/owls', 'theme/sm/bad-theme', 'theme/sm/bad-note']) await removeSchedule(t.client, id);
});
