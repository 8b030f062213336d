// Viewer votes and the channel's history (printed, no assertions): events the channel workflow's history
// grows by per 1,000 votes when the web server batches them (at most one signal a second), side by side
// with one signal per vote, on a paused channel with no broadcast so nothing else adds events.
import path from 'node:path';
import { startTemporal, waitFor } from '../test/helpers/temporal';
import { runVoters } from '../test/helpers/viewers';
import { defaultBackends } from '../src/activities/backends/registry';
import { startWebServer } from '../src/servers/web/server';
import { freePort } from '../src/servers/temporalDevServer';
import { channelWorkflowId } from '../src/shared/channel';
import { pauseSignal, statusQuery, suggestUpdate, votesSignal } from '../src/shared/channelMessages';

export async function main(): Promise<void> {
  const t = await startTemporal();
  try {
    const w = await t.startWorker({ dataDir: path.join(t.tmpDir, 'data'), backends: defaultBackends() });
    const handle = await t.client.workflow.signalWithStart('channelWorkflow', {
      taskQueue: w.taskQueue, workflowId: channelWorkflowId('bench'), args: [{ channel: 'bench', broadcast: false }], signal: pauseSignal, signalArgs: [],
    });
    const status = () => handle.query(statusQuery);
    const ids: string[] = [];
    for (const [i, text] of ['a jazz band of cats', 'penguins on a tram', 'a robot gardener', 'a lighthouse keeper', 'snails racing at dawn'].entries()) {
      ids.push((await handle.executeUpdate(suggestUpdate, { args: [{ text, viewer: `bench-seed-${i}` }] })).id);
    }
    await waitFor('suggestions shown', () => status().then((s) => s.suggestions.length === 5), 60_000, 200);
    const events = async () => (await handle.fetchHistory()).events!.length;

    const web = await startWebServer({
      port: await freePort(), client: t.client, defaultChannel: 'bench', flvUrl: () => '', log: () => {},
      audienceLimits: { suggestionsPerIpPerMinute: 1, votesPerIpPerMinute: 1_000_000, votesPerAddress: 1_000_000, voteAfterSec: 0, newViewersPerIpPerMinute: 1_000_000 },
    });
    let before = await events();
    const started = Date.now();
    const run = await runVoters({ baseUrl: web.url, viewers: 1000, durationMs: 10_000, suggestionIds: ids, repeatShare: 0 });
    await waitFor('batched votes counted', () => status().then((s) => s.votesCounted === run.accepted), 60_000, 200);
    const batchedSec = (Date.now() - started) / 1000;
    const batchedGrowth = ((await events()) - before) / run.accepted * 1000;
    await web.stop();

    before = await events();
    const single = 1000;
    const t0 = Date.now();
    const pending = Array.from({ length: single }, (_, i) => ({ id: ids[i % ids.length], viewer: `bench-single-${String(i).padStart(5, '0')}` }));
    await Promise.all(Array.from({ length: 20 }, async () => {
      for (let v = pending.shift(); v; v = pending.shift()) await handle.signal(votesSignal, { votes: [v] });
    }));
    await waitFor('single votes counted', () => status().then((s) => s.votesCounted === run.accepted + single), 120_000, 200);
    const singleSec = (Date.now() - t0) / 1000;
    const singleGrowth = ((await events()) - before) / single * 1000;

    console.log(`batched through the web server: ${run.accepted} votes from 1,000 viewers in ${batchedSec.toFixed(1)} s → ${batchedGrowth.toFixed(0)} history events per 1,000 votes`);
    console.log(`one signal per vote:            ${single} votes in ${singleSec.toFixed(1)} s → ${singleGrowth.toFixed(0)} history events per 1,000 votes`);
    console.log(`history growth, batched vs one signal per vote: ${(batchedGrowth / singleGrowth).toFixed(3)}×`);
    await handle.terminate('bench over');
  } finally {
    await t.stop();
  }
}
