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

describe('docker-compose.gpu.yml (the model server)', () => {
  const gpu = parse(fs.readFileSync('docker-compose.gpu.yml', 'utf8'));
  const serverDockerfile = fs.readFileSync('model-server/Dockerfile', 'utf8');
  const service = gpu.services['model-server'];

  it('adds only the model server, built from model-server/Dockerfile in the repository root', () => {
    assert.deepEqual(Object.keys(gpu.services), ['model-server']);
    assert.deepEqual(service.build, { context: '.', dockerfile: 'model-server/Dockerfile' });
    assert.ok(!Object.keys(compose.services).includes('model-server'), 'the CPU-only compose file stays GPU-free');
  });

  it('reserves one NVIDIA GPU and keeps downloaded models in a volume', () => {
    assert.deepEqual(service.deploy.resources.reservations.devices, [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
    assert.ok(service.volumes.includes('models:/models'));
    assert.ok('models' in gpu.volumes);
    assert.deepEqual(service.ports, ['7860:7860']);
  });

  it('takes the token and every model from the environment, defaulting to the published models', () => {
    const env = service.environment as Record<string, string>;
    assert.match(env.HF_TOKEN, /^\$\{HF_TOKEN(:-)?\}$/);
    assert.equal(env.WEBTV_VIDEO_MODEL, '${WEBTV_VIDEO_MODEL:-cerspense/zeroscope_v2_576w}');
    assert.equal(env.WEBTV_UPSCALE_MODEL, '${WEBTV_UPSCALE_MODEL:-cerspense/zeroscope_v2_XL}');
    assert.equal(env.WEBTV_MUSIC_MODEL, '${WEBTV_MUSIC_MODEL:-facebook/musicgen-melody}');
    assert.match(env.WEBTV_INTERPOLATE_MODEL, /^\$\{WEBTV_INTERPOLATE_MODEL:-/);
  });

  it('builds on a CUDA base image with ffmpeg, the pinned requirements, and serves on 0.0.0.0:7860', () => {
    assert.match(serverDockerfile, /^FROM nvidia\/cuda:[\d.]+-[a-z]+-ubuntu[\d.]+$/m);
    assert.match(serverDockerfile, /apt-get install[^\n]*ffmpeg/);
    assert.match(serverDockerfile, /pip install[^\n]*-r \/opt\/model-server\/requirements\.txt/);
    assert.match(serverDockerfile, /WEBTV_HOST=0\.0\.0\.0/);
    assert.match(serverDockerfile, /ENTRYPOINT \["\/opt\/venv\/bin\/python", "\/opt\/model-server\/app\.py"\]/);
    const pins = fs.readFileSync('model-server/requirements.txt', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(pins.map((l) => l.split('==')[0]).sort(), ['accelerate', 'diffusers', 'gradio', 'torch', 'transformers']);
    for (const l of pins) assert.match(l, /^[\w-]+==\d+\.\d+\.\d+$/, `${l} is pinned exactly`);
  });
});
