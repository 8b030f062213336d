// Metrics an operator scrapes: the Temporal SDK's Prometheus exporter of a real `webtv worker`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import path from 'node:path';
import { startTemporal, waitFor, type TestTemporal } from './helpers/temporal';
import { freePort } from '../src/temporal/devServer';

let t: TestTemporal;
before(async () => { t = await startTemporal(); });
after(async () => { await t?.stop(); });

test('webtv worker exports the SDK worker metrics at WEBTV_METRICS_PORT, labelled with its task queue', async () => {
  const port = await freePort();
  const taskQueue = 'webtv-metrics';
  const worker = execa('node', ['bin/webtv.js', 'worker'], {
    env: { TEMPORAL_ADDRESS: t.server.address, WEBTV_TASK_QUEUE: taskQueue, WEBTV_DATA_DIR: path.join(t.tmpDir, 'data'), WEBTV_METRICS_PORT: String(port) },
    reject: false, all: true,
  });
  try {
    const text = await waitFor('worker metrics with the task queue', async () => {
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return /temporal_num_pollers\{[^}]*task_queue="webtv-metrics"/.test(body) ? body : null;
    }, 120_000, 500);
    assert.match(text, /# TYPE temporal_worker_task_slots_available gauge/);
    assert.match(text, /temporal_worker_task_slots_available\{[^}]*worker_type="ActivityWorker"/);
  } finally {
    worker.kill('SIGINT');
    await worker;
  }
});

test('a malformed WEBTV_METRICS_PORT is refused before the worker starts, naming the variable', async () => {
  const r = await execa('node', ['bin/webtv.js', 'worker'], {
    env: { TEMPORAL_ADDRESS: t.server.address, WEBTV_METRICS_PORT: 'ninety' }, reject: false,
  });
  assert.notEqual(r.exitCode, 0);
  assert.match(r.stderr, /WEBTV_METRICS_PORT is invalid: expected a port \(9464\) or host:port/);
});
