import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { defaultBackends } from '../src/activities/backends/registry';
import { episodeDir } from '../src/activities/episode/paths';
import { readActivityLog } from '../src/activities/episode/artifacts';
import { offlineBackends } from '../src/shared/validation';
import { episodeWorkflow } from '../src/workflows/episode';

let t: TestTemporal;
before(async () => { t = await startTemporal(); });
after(async () => { await t?.stop(); });

describe('a worker killed mid-episode', () => {
  it('is replaced by a new worker that finishes the same episode without making finished shots again', async () => {
    const dataDir = path.join(t.tmpDir, 'crash');
    const taskQueue = 'crash-test';
    const dir = episodeDir(dataDir, 'crash', 1);
    // The first worker is a separate process (`webtv worker`), so it can really be SIGKILLed.
    const first = execa('node', ['bin/webtv.js', 'worker'], {
      // Every stage kept (not released once read), so the finished shot's files can be checked after the run.
      env: { TEMPORAL_ADDRESS: t.server.address, WEBTV_DATA_DIR: dataDir, WEBTV_TASK_QUEUE: taskQueue, WEBTV_KEEP_INTERMEDIATES: '1' },
      reject: false, all: true,
    });
    try {
      const backends = offlineBackends();
      backends.interpolate = { kind: 'offline', mode: 'blend' };
      const handle = await t.client.workflow.start(episodeWorkflow, {
        taskQueue, workflowId: 'crash/episode-1',
        args: [{ channel: 'crash', episode: 1, theme: 'a paper boat drifting down a rainy street', shots: 3, seed: 11, backends, parallelShots: 1 }],
      });
      // Kill it once the first shot is complete and the second is under way.
      await waitFor('shot 1 finished and shot 2 started', () => {
        const log = readActivityLog(dir);
        return log.some((e) => e.step === 'interpolateShot' && e.shot === 0 && e.outcome === 'made') && log.some((e) => e.shot === 1);
      }, 120_000, 50);
      const shot1 = fs.readdirSync(dir).filter((f) => f.startsWith('shot-01.'));
      const inodes = new Map(shot1.map((f) => [f, fs.statSync(path.join(dir, f)).ino]));
      first.kill('SIGKILL');
      const r = await first;
      assert.equal(r.signal, 'SIGKILL');
      const killedAt = readActivityLog(dir).length;

      process.env.WEBTV_KEEP_INTERMEDIATES = '1';
      const second = await t.startWorker({ dataDir, backends: defaultBackends() }, { taskQueue });
      const manifest = await handle.result().finally(() => { delete process.env.WEBTV_KEEP_INTERMEDIATES; });
      await second.stop();

      assert.equal(manifest.shots.length, 3);
      assert.ok(fs.existsSync(manifest.episodePath));
      const log = readActivityLog(dir);
      const after = log.slice(killedAt);
      // Nothing of the finished shot ran again: no log entries for it after the kill, same files (inodes).
      assert.deepEqual(after.filter((e) => e.shot === 0), [], `shot 1 steps after the kill: ${JSON.stringify(after)}`);
      for (const [f, ino] of inodes) assert.equal(fs.statSync(path.join(dir, f)).ino, ino, `${f} was rewritten`);
      // Each shot step was made exactly once overall (a step cut by the kill made nothing and is redone once).
      for (const shot of [0, 1, 2]) {
        for (const step of ['generateShot', 'upscaleShot', 'interpolateShot']) {
          const made = log.filter((e) => e.shot === shot && e.step === step && e.outcome === 'made');
          assert.equal(made.length, 1, `${step} of shot ${shot + 1} made ${made.length} times`);
        }
      }
    } finally {
      first.kill('SIGKILL');
      await first;
    }
  });
});
