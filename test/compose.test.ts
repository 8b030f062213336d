// docker-compose.yml is for users; there is no Docker engine here. So: check its shape against what the
// product needs, syntax-check the scripts it mounts, and let the Docker Compose CLI itself load and
// interpolate it (`config` needs no engine; .ci/run installs Debian's docker-compose for it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { CHANNEL_SEARCH_ATTRIBUTES } from '../src/shared/searchAttributes';

const composeText = fs.readFileSync('docker-compose.yml', 'utf8');
const compose = parse(composeText);
const services = compose.services as Record<string, Service>;
const dockerfile = fs.readFileSync('Dockerfile', 'utf8');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  healthcheck?: { test: string[] };
}

const WEBTV_SERVICES = ['webtv', 'media', 'remote'];
const env = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(services[name].environment ?? {}).map(([k, v]) => [k, String(v)]));

/** The host file a service mounts at `target` (e.g. ./compose/temporal for /scripts). */
function mountedHostPath(service: string, target: string): string {
  const mount = (services[service].volumes ?? []).find((v) => v.split(':')[1] === target);
  assert.ok(mount, `${service} mounts something at ${target}`);
  return mount.split(':')[0];
}

/** The lines of one service's block in the raw file (comments are not in the parsed YAML). */
function serviceBlock(name: string): string {
  const lines = composeText.split('\n');
  const start = lines.indexOf(`  ${name}:`);
  assert.ok(start >= 0, `service ${name} in the raw file`);
  const end = lines.findIndex((l, i) => i > start && /^ {2}\S/.test(l));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

describe('docker-compose.yml', () => {
  it('brings up PostgreSQL, Temporal with its setup steps and Web UI, SeaweedFS, and AI WebTV by role', () => {
    assert.deepEqual(Object.keys(services).sort(), [
      'media', 'postgresql', 'remote', 'seaweedfs', 'temporal', 'temporal-namespace-setup', 'temporal-schema-setup',
      'temporal-ui', 'webtv',
    ]);
    for (const s of WEBTV_SERVICES) {
      assert.equal(services[s].build, '.', `${s} is built from the repository's Dockerfile`);
      assert.equal(env(s).TEMPORAL_ADDRESS, 'temporal:7233');
      assert.equal(services[s].depends_on?.['temporal-namespace-setup']?.condition, 'service_completed_successfully',
        `${s} starts once the namespace and search attributes exist`);
      assert.equal(services[s].depends_on?.seaweedfs?.condition, 'service_healthy', `${s} starts once the store answers`);
    }
    assert.equal(env('temporal-ui').TEMPORAL_ADDRESS, 'temporal:7233');
  });

  it('pins every image to a version tag, and uses temporalio/server with admin-tools instead of the deprecated auto-setup', () => {
    for (const [name, s] of Object.entries(services)) {
      if (WEBTV_SERVICES.includes(name)) continue;
      assert.ok(s.image, `${name} has an image`);
      assert.match(s.image, /^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9][\w.-]*$/, `${name}: ${s.image} is pinned to a tag`);
      assert.notEqual(s.image.split(':')[1], 'latest', `${name}: ${s.image} is not :latest`);
      assert.ok(!s.image.includes('auto-setup'), `${name}: ${s.image} is not the deprecated temporalio/auto-setup`);
    }
    assert.doesNotMatch(composeText, /auto-setup/);
    const version = services.temporal.image!.split(':')[1];
    assert.equal(services.temporal.image, `temporalio/server:${version}`);
    assert.equal(services['temporal-schema-setup'].image, `temporalio/admin-tools:${version}`, 'schema tools match the server');
    assert.equal(services['temporal-namespace-setup'].image, `temporalio/admin-tools:${version}`);
    assert.match(services.seaweedfs.image!, /^chrislusf\/seaweedfs:\d+\.\d+$/);
  });

  it('sets up the schema before the server starts, and the namespace and search attributes after it is healthy', () => {
    const schema = services['temporal-schema-setup'];
    assert.equal(schema.depends_on?.postgresql?.condition, 'service_healthy');
    assert.equal(services.temporal.depends_on?.['temporal-schema-setup']?.condition, 'service_completed_successfully');
    assert.deepEqual(services.postgresql.healthcheck?.test, ['CMD-SHELL', 'pg_isready -U temporal']);
    assert.ok(services.temporal.healthcheck, 'temporal has a health check the later steps wait on');
    assert.equal(services['temporal-namespace-setup'].depends_on?.temporal?.condition, 'service_healthy');
    assert.equal(services['temporal-ui'].depends_on?.temporal?.condition, 'service_healthy');

    // The server reads its dynamic config from the mounted folder (the image carries none).
    const dynamicDir = mountedHostPath('temporal', '/etc/temporal/config/dynamicconfig');
    const dynamicFile = env('temporal').DYNAMIC_CONFIG_FILE_PATH;
    assert.match(dynamicFile, /^config\/dynamicconfig\//);
    assert.ok(parse(fs.readFileSync(path.join(dynamicDir, path.basename(dynamicFile)), 'utf8')), 'the dynamic config file exists and is YAML');

    const script = (service: string): string => {
      assert.deepEqual(services[service].entrypoint, ['/bin/sh']);
      const [inContainer] = services[service].command!;
      const file = path.join(mountedHostPath(service, path.posix.dirname(inContainer)), path.posix.basename(inContainer));
      const check = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
      assert.equal(check.status, 0, `${file} parses as sh: ${check.stderr}`);
      return fs.readFileSync(file, 'utf8');
    };
    const setupSchema = script('temporal-schema-setup');
    assert.match(setupSchema, /^for db in temporal:temporal temporal_visibility:visibility; do$/m, 'both databases: history and visibility');
    for (const step of ['create', 'setup-schema -v 0.0', 'update-schema -d "/etc/temporal/schema/postgresql/v12/']) {
      assert.ok(setupSchema.includes(step), `schema setup runs ${step}`);
    }

    const setupNamespace = script('temporal-namespace-setup');
    assert.equal(env('temporal-namespace-setup').DEFAULT_NAMESPACE, 'default');
    assert.match(setupNamespace, /temporal operator namespace create -n "\$NAMESPACE"/);
    assert.match(setupNamespace, /temporal operator search-attribute create -n "\$NAMESPACE" --name "\$1" --type Keyword/);
    const registered = setupNamespace.match(/^for name in (.+); do$/m)?.[1].split(' ');
    assert.deepEqual(registered, [...CHANNEL_SEARCH_ATTRIBUTES], 'the search attributes the channel sets (src/shared/searchAttributes.ts)');
  });

  it('runs each worker role in its own service: air with the servers on host "studio", media with replicas, remote', () => {
    assert.deepEqual(services.webtv.command, ['start']);
    assert.equal(env('webtv').WEBTV_ROLES, 'air');
    assert.equal(env('webtv').WEBTV_AIR_HOST, 'studio', 'the air host id survives a new container');
    assert.equal(env('webtv').WEBTV_BIND, '0.0.0.0');

    assert.deepEqual(services.media.command, ['worker', '--roles', 'media']);
    assert.equal(services.media.deploy?.replicas, 2);
    assert.deepEqual(services.remote.command, ['worker', '--roles', 'remote']);
    for (const s of ['media', 'remote']) {
      assert.equal(env(s).WEBTV_ROLES, undefined, `${s} takes its role from --roles`);
      assert.equal(env(s).WEBTV_AIR_HOST, undefined, `${s} runs no air role`);
      assert.equal(services[s].ports, undefined, `${s} publishes no port (replicas could not share one)`);
      assert.ok(!('container_name' in services[s]), `${s} can be scaled`);
    }
    // Model credentials go where the model calls run.
    for (const k of ['OPENAI_API_KEY', 'HF_TOKEN']) {
      assert.ok(k in env('remote'), `remote has ${k}`);
      for (const s of ['webtv', 'media']) assert.ok(!(k in env(s)), `${s} has no ${k}`);
    }
  });

  it('stores episodes in SeaweedFS through the standard AWS variables, with one identity and no anonymous access', () => {
    const weed = services.seaweedfs;
    assert.equal(weed.command?.[0], 'mini');
    assert.ok(weed.command?.includes('-bucket=webtv'), 'the bucket is made at start');
    assert.ok(weed.volumes?.includes('store:/data'));
    assert.equal(weed.ports, undefined, 'the store is reached only inside the compose network');
    assert.match(weed.healthcheck!.test.join(' '), /http:\/\/localhost:8333\/healthz/);
    for (const s of WEBTV_SERVICES) {
      const e = env(s);
      assert.equal(e.WEBTV_STORE, 's3://webtv/');
      assert.equal(e.AWS_ENDPOINT_URL_S3, 'http://seaweedfs:8333');
      assert.ok(e.AWS_REGION, `${s} names a region (the SDK needs one)`);
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
        assert.equal(e[k], env('seaweedfs')[k], `${s}.${k} is the identity SeaweedFS was started with`);
      }
    }
  });

  it('shares no media volume between workers: each keeps its own data, every episode file travels through the store', () => {
    for (const s of WEBTV_SERVICES) {
      for (const v of services[s].volumes ?? []) {
        const name = v.split(':')[0];
        const users = Object.entries(services).filter(([, x]) => (x.volumes ?? []).some((w) => w.split(':')[0] === name)).map(([n]) => n);
        assert.deepEqual(users, [s], `volume ${name} of ${s} is its own`);
      }
    }
    assert.deepEqual(services.webtv.volumes, ['studio:/data'], 'the air host keeps its air folder on its own volume');
    for (const s of ['media', 'remote']) assert.equal(services[s].volumes, undefined, `${s} works in scratch space (replicas must not share a volume)`);
    assert.ok(!('media' in (compose.volumes ?? {})), 'no shared media volume');
  });

  it('publishes the viewers\' ports on every interface, and Temporal\'s frontend and Web UI (no authentication) on loopback only', () => {
    assert.deepEqual(services.webtv.ports, ['1935:1935', '8000:8000', '8080:8080']);
    assert.deepEqual(services['temporal-ui'].ports, ['127.0.0.1:8233:8080']);
    assert.deepEqual(services.temporal.ports, ['127.0.0.1:7233:7233']);
    const published = Object.entries(services).flatMap(([name, svc]) => (svc.ports ?? []).map((p) => ({ name, p })));
    const open = published.filter(({ p }) => !p.startsWith('127.0.0.1:')).map(({ name }) => name);
    assert.deepEqual([...new Set(open)], ['webtv'], 'only the channel\'s own servers face the network');
    // docs/compose.md lists each published port, and says how to reach the loopback ones from elsewhere.
    const docs = fs.readFileSync('docs/compose.md', 'utf8');
    for (const { p } of published) assert.ok(docs.includes(`\`${p}\``), `docs/compose.md lists ${p}`);
    assert.match(docs, /ssh -L 8233:127\.0\.0\.1:8233/);
  });

  it('takes every secret from the environment, never a literal', () => {
    const checked: string[] = [];
    for (const name of Object.keys(services)) {
      for (const [k, v] of Object.entries(env(name))) {
        if (!/PASSWORD|PWD|TOKEN|SECRET|KEY/.test(k)) continue;
        // Required (${VAR:?how to set it}) or optional with an empty default (${VAR:-}): never a value.
        assert.match(v, /^\$\{[A-Z][A-Z0-9_]*(:\?[^}]+|:-)\}$/, `${name}.${k}`);
        checked.push(`${name}.${k}`);
      }
    }
    for (const k of ['postgresql.POSTGRES_PASSWORD', 'temporal.POSTGRES_PWD', 'temporal-schema-setup.SQL_PASSWORD',
      'seaweedfs.AWS_SECRET_ACCESS_KEY', 'webtv.WEBTV_CONTROL_TOKEN', 'webtv.WEBTV_PUBLISH_SECRET', 'remote.OPENAI_API_KEY']) {
      assert.ok(checked.includes(k), `${k} is set, from the environment`);
    }
    const ignored = (file: string) => fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim());
    assert.ok(ignored('.dockerignore').includes('.env'), 'the image never carries the .env of secrets (Dockerfile copies the folder)');
    assert.ok(ignored('.gitignore').includes('.env'), '.env is never committed');
  });

  it('loads and interpolates with the Docker Compose CLI: complete with the secrets set, refused with a hint without them', () => {
    const cli = composeCli();
    assert.ok(cli, 'no Docker Compose CLI: install the compose plugin or Debian\'s docker-compose (.ci/run does)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-compose-'));
    try {
      // An empty env file and a bare environment, so a developer's .env or shell cannot change the result.
      const envFile = path.join(dir, 'empty.env');
      fs.writeFileSync(envFile, '');
      const secrets = {
        WEBTV_CONTROL_TOKEN: 'control-token-1-of-24-chars', WEBTV_PUBLISH_SECRET: 'publish-secret-2-of-24-chars', POSTGRES_PASSWORD: 'password-3',
        AWS_ACCESS_KEY_ID: 'key-4', AWS_SECRET_ACCESS_KEY: 'secret-5',
      };
      const run = (extra: Record<string, string>) => spawnSync(cli.cmd, [...cli.args, '--env-file', envFile, '-f', 'docker-compose.yml', 'config'], {
        encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, ...extra }, timeout: 60_000,
      });

      const ok = run(secrets);
      assert.equal(ok.status, 0, `${cli.cmd} ${cli.args.join(' ')} config: ${ok.stderr}`);
      const resolved = parse(ok.stdout).services as Record<string, Service>;
      assert.deepEqual(Object.keys(resolved).sort(), Object.keys(services).sort());
      assert.equal(resolved.media.deploy?.replicas, 2);
      assert.equal(resolved.temporal.depends_on?.['temporal-schema-setup']?.condition, 'service_completed_successfully');
      assert.equal(resolved.webtv.environment?.WEBTV_PUBLISH_SECRET, 'publish-secret-2-of-24-chars');
      assert.equal(resolved.temporal.environment?.POSTGRES_PWD, 'password-3');
      assert.equal(resolved.media.environment?.AWS_SECRET_ACCESS_KEY, 'secret-5');
      assert.equal(resolved.remote.environment?.OPENAI_API_KEY ?? '', '', 'an optional secret left unset stays empty');

      for (const missing of Object.keys(secrets)) {
        const rest = Object.fromEntries(Object.entries(secrets).filter(([k]) => k !== missing));
        const refused = run(rest);
        assert.notEqual(refused.status, 0, `config without ${missing} is refused`);
        assert.match(refused.stderr, new RegExp(`set ${missing} in \\.env`), `the error says to set ${missing}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds an image whose entry point is the webtv CLI with ffmpeg installed', () => {
    assert.match(dockerfile, /^FROM node:24-/m, "the image runs Node 24, the active LTS");
    assert.match(dockerfile, /apt-get install[^\n]*ffmpeg/);
    assert.match(dockerfile, /ENTRYPOINT \["node", "bin\/webtv.js"\]/);
    assert.ok(JSON.parse(fs.readFileSync('package.json', 'utf8')).dependencies.tsx, 'tsx is a runtime dependency (the image omits dev dependencies)');
  });
});

/** `docker compose` (the plugin) if present, else the standalone `docker-compose`. */
function composeCli(): { cmd: string; args: string[] } | null {
  for (const c of [{ cmd: 'docker', args: ['compose'] }, { cmd: 'docker-compose', args: [] }]) {
    const v = spawnSync(c.cmd, [...c.args, 'version'], { encoding: 'utf8' });
    if (v.status === 0) return c;
  }
  return null;
}

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
    assert.deepEqual(service.ports, ['127.0.0.1:7860:7860'], 'the model server (no authentication) on loopback only; the workers reach it inside the network');
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
