// docker-compose.yml is for users (no Docker engine here): validate its shape instead of running it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parse } from 'yaml';

const compose = parse(fs.readFileSync('docker-compose.yml', 'utf8'));
const dockerfile = fs.readFileSync('Dockerfile', 'utf8');

describe('docker-compose.yml', () => {
  it('brings up PostgreSQL, Temporal, its Web UI, the channel and extra workers', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['postgresql', 'temporal', 'temporal-ui', 'webtv', 'worker']);
    for (const s of ['webtv', 'worker']) {
      assert.equal(compose.services[s].build, '.');
      assert.equal(compose.services[s].environment.TEMPORAL_ADDRESS, 'temporal:7233');
      assert.ok(compose.services[s].volumes.includes('media:/data'), `${s} shares the media volume`);
    }
    assert.deepEqual(compose.services.webtv.command, ['start']);
    assert.deepEqual(compose.services.worker.command, ['worker']);
    assert.equal(compose.services['temporal-ui'].environment.TEMPORAL_ADDRESS, 'temporal:7233');
  });

  it('publishes the default ports of npm start', () => {
    assert.deepEqual(compose.services.webtv.ports, ['1935:1935', '8000:8000', '8080:8080']);
    assert.deepEqual(compose.services['temporal-ui'].ports, ['8233:8080']);
  });

  it('takes every secret from the environment, never a literal', () => {
    for (const s of ['webtv', 'worker']) {
      for (const [k, v] of Object.entries(compose.services[s].environment as Record<string, string>)) {
        if (/TOKEN|SECRET|KEY/.test(k)) assert.match(String(v), /^\$\{[A-Z_]+(:[-?].*)?\}$/, `${s}.${k}`);
      }
    }
  });

  it('builds an image whose entry point is the webtv CLI with ffmpeg installed', () => {
    assert.match(dockerfile, /^FROM node:20/m);
    assert.match(dockerfile, /apt-get install[^\n]*ffmpeg/);
    assert.match(dockerfile, /ENTRYPOINT \["node", "bin\/webtv.js"\]/);
    assert.ok(JSON.parse(fs.readFileSync('package.json', 'utf8')).dependencies.tsx, 'tsx is a runtime dependency (the image omits dev dependencies)');
  });
});
