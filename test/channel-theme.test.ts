// A channel started with the real `temporal` CLI binary airs through the real RTMP server; its theme
// changes by update (validated, the next episode's manifest uses it) and by a CLI signal, and invalid
// themes are rejected with a clear message while the channel keeps running.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { startTestRtmp, streamIsOn } from './helpers/rtmp';
import { defaultBackends } from '../src/activities/backends/registry';
import { temporalCliPath } from '../src/servers/temporalDevServer';
import { channelWorkflowId } from '../src/shared/channel';
import { setThemeUpdate, statusQuery } from '../src/shared/channelMessages';
import type { EpisodeManifest } from '../src/shared/types';
import type { RtmpServer } from '../src/servers/rtmp';

let t: TestTemporal;
let rtmp: RtmpServer;
before(async () => {
  t = await startTemporal();
  rtmp = await startTestRtmp(t.tmpDir);
});
after(async () => {
  await rtmp?.stop();
  await t?.stop();
});

async function temporal(...args: string[]) {
  return execa(await temporalCliPath(), [...args, '--address', t.server.address], { reject: false });
}

test('a channel started with the Temporal CLI airs, takes theme updates and CLI signals, and rejects bad themes', async () => {
  const dataDir = path.join(t.tmpDir, 'data');
  await t.startWorker({ dataDir, backends: defaultBackends(), broadcast: { rtmpBase: rtmp.rtmpBase, publishSecret: rtmp.secret } }, { taskQueue: 'webtv' });
  const started = await temporal('workflow', 'start', '--type', 'channelWorkflow', '--task-queue', 'webtv', '--workflow-id', 'channel/t1',
    '--input', JSON.stringify({ channel: 't1', theme: 'a lighthouse keeper and her cat', shots: 1, targetReady: 3 }));
  assert.equal(started.exitCode, 0, `temporal workflow start failed: ${started.stderr}`);
  const handle = t.client.workflow.getHandle(channelWorkflowId('t1'));
  const status = () => handle.query(statusQuery);

  await waitFor('episode 1 in production', async () => (await status()).producing.some((p) => p.episode === 1), 60_000, 300);
  for (const [bad, why] of [['', /empty/], ['x'.repeat(100_000), /2000/], ['a theme with a bell \u0007 in it', /control character/]] as const) {
    await assert.rejects(handle.executeUpdate(setThemeUpdate, { args: [bad] }), (err: unknown) => {
      assert.ok(err instanceof WorkflowUpdateFailedError, `expected an update rejection, got ${String(err)}`);
      assert.match(String((err.cause as Error)?.message), why);
      return true;
    });
  }
  assert.equal((await status()).theme, 'a lighthouse keeper and her cat', 'rejected themes change nothing');

  assert.equal(await handle.executeUpdate(setThemeUpdate, { args: ['  a robot gardener tending moon flowers '] }), 'a robot gardener tending moon flowers');
  await waitFor('episode 2 started with the updated theme', async () =>
    (await status()).producing.find((p) => p.episode === 2)?.theme === 'a robot gardener tending moon flowers', 300_000, 500);

  const signalled = await temporal('workflow', 'signal', '--workflow-id', 'channel/t1', '--name', 'setTheme', '--input', JSON.stringify('a jazz band of penguins'));
  assert.equal(signalled.exitCode, 0, `temporal workflow signal failed: ${signalled.stderr}`);
  await waitFor('the signalled theme', async () => (await status()).theme === 'a jazz band of penguins', 10_000, 200);

  // The channel airs: episode 1 reaches the on-air slot and the stream is up through the RTMP server.
  let last: unknown;
  const onAir = await waitFor('episode 1 on air', async () => {
    const s = await status();
    last = { onAir: s.onAir, next: s.next.map((e) => e.episode), made: s.made, failed: s.recentFailures };
    return s.onAir?.episode?.episode === 1 ? s.onAir : null;
  }, 300_000, 500).catch(async (err) => {
    const broadcast = await t.client.workflow.getHandle('broadcast/t1').describe().catch((e) => e);
    throw new Error(`${err.message}; last status ${JSON.stringify(last)}; broadcast: ${JSON.stringify(broadcast?.raw?.pendingActivities ?? broadcast?.status ?? String(broadcast))}`);
  });
  assert.ok(await streamIsOn(rtmp.flvUrl('t1', '127.0.0.1'), 5), 'the channel is on the RTMP server');
  assert.ok(onAir.episode!.shots[0].prompt.length > 0);

  const ep2 = await waitFor('episode 2 made', async () => (await status()).next.find((e) => e.episode === 2) ?? (await status()).onAir?.episode?.episode === 2, 300_000, 500);
  assert.ok(ep2);
  const manifest = (n: number): EpisodeManifest =>
    JSON.parse(fs.readFileSync(path.join(dataDir, 'channels', 't1', 'episodes', String(n).padStart(5, '0'), 'manifest.json'), 'utf8'));
  assert.equal(manifest(1).theme, 'a lighthouse keeper and her cat');
  assert.equal(manifest(2).theme, 'a robot gardener tending moon flowers');
  await waitFor('episode 3 started with the signalled theme', async () =>
    (await status()).producing.find((p) => p.episode === 3)?.theme === 'a jazz band of penguins' || fs.existsSync(path.join(dataDir, 'channels', 't1', 'episodes', '00003')), 300_000, 500);

  const described = await temporal('workflow', 'describe', '--workflow-id', 'channel/t1', '--output', 'json');
  assert.equal(JSON.parse(String(described.stdout)).workflowExecutionInfo.status, 'WORKFLOW_EXECUTION_STATUS_RUNNING', 'the channel is still running');
  await t.client.workflow.getHandle('broadcast/t1').terminate('test over');
  await handle.terminate('test over');
});
