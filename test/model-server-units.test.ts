// The model server's Python unit tests (model-server/tests, stdlib unittest: the pinned virtualenv has no
// pytest) run in its virtualenv, one node test per module, on tiny models built in the tests.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { baseEnv, modelServerPython, repoRoot } from './helpers/modelServer';

const dir = path.join(repoRoot, 'model-server/tests');
const modules = fs.readdirSync(dir).filter((f) => /^test_.*\.py$/.test(f)).map((f) => f.replace(/\.py$/, '')).sort();

describe('model server unit tests (python -m unittest)', () => {
  for (const m of modules) {
    test(m, async () => {
      const r = await execa(await modelServerPython(), ['-m', 'unittest', '-v', m], { cwd: dir, env: baseEnv, reject: false, all: true });
      assert.equal(r.exitCode, 0, String(r.all).slice(-6000));
    });
  }
});
