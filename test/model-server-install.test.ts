// scripts/install-model-server.sh --film URL SHA256: FILM's weights land in the models folder only when
// their sha256 is the one given (a local file:// URL stands for the GitHub release; the virtualenv is
// the cached one).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { modelServerPython, repoRoot } from './helpers/modelServer';

describe('installing FILM\'s weights (--film URL SHA256)', () => {
  let tmp: string;
  let url: string;
  let sha: string;
  before(async () => {
    await modelServerPython();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-film-'));
    const weights = path.join(tmp, 'release-film_net_fp16.pt');
    fs.writeFileSync(weights, crypto.randomBytes(4096));
    url = pathToFileURL(weights).href;
    sha = crypto.createHash('sha256').update(fs.readFileSync(weights)).digest('hex');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const install = (models: string, ...args: string[]) =>
    execa('bash', [path.join(repoRoot, 'scripts/install-model-server.sh'), ...args], { env: { WEBTV_MODELS_DIR: models }, reject: false });

  test('the right hash: the file is in the models folder, and the installer still prints the python', async () => {
    const models = path.join(tmp, 'models-ok');
    const r = await install(models, '--film', url, sha);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.trim(), await modelServerPython());
    assert.equal(crypto.createHash('sha256').update(fs.readFileSync(path.join(models, 'film_net_fp16.pt'))).digest('hex'), sha);
  });

  test('a wrong hash: refused, nothing left behind', async () => {
    const models = path.join(tmp, 'models-bad');
    const r = await install(models, '--film', url, 'ab'.repeat(32));
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, new RegExp(`refusing .*: its sha256 is ${sha}, not the ${'ab'.repeat(32)} given; nothing was installed`));
    assert.deepEqual(fs.existsSync(models) ? fs.readdirSync(models) : [], []);
  });
});
