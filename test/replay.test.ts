import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { workflowBundle } from './helpers/temporal';

const here = path.dirname(fileURLToPath(import.meta.url));
const histories = path.join(here, 'fixtures/histories');

describe('replaying recorded histories with the current workflow code', () => {
  for (const file of fs.readdirSync(histories).filter((f) => f.endsWith('.json'))) {
    it(`replays ${file} without a determinism error`, async () => {
      const history = JSON.parse(fs.readFileSync(path.join(histories, file), 'utf8'));
      assert.ok(history.events.length > 10, 'a real history');
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${file}`);
    });
  }

  it('fails the replay when the workflow changed in a way that breaks determinism', async () => {
    const history = JSON.parse(fs.readFileSync(path.join(histories, 'episode-offline-2-shots.json'), 'utf8'));
    const changed = await bundleWorkflowCode({ workflowsPath: path.join(here, 'fixtures/workflows-changed/index.ts'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
    await assert.rejects(Worker.runReplayHistory({ workflowBundle: changed }, history, 'replay-changed'), DeterminismViolationError);
  });
});
