// Connecting like every Temporal app: the real `webtv worker` and `webtv episode make` reach the dev server
// only through a TLS-terminating gRPC proxy (nginx) that demands a client certificate and an API key —
// once from TEMPORAL_* variables, once from a TOML profile — and refuse clearly when something is wrong.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { startTemporal, type TestTemporal } from './helpers/temporal';
import { makePki, startGrpcTlsProxy, type GrpcTlsProxy, type Pki } from './helpers/grpcTlsProxy';
import { temporalTarget } from '../src/temporal/connection';

const API_KEY = 'test-api-key-9f3a';
let t: TestTemporal;
let pki: Pki;
let proxy: GrpcTlsProxy;

before(async () => {
  t = await startTemporal();
  pki = makePki(path.join(t.tmpDir, 'pki'));
  proxy = await startGrpcTlsProxy({ pki, upstream: t.server.address, apiKey: API_KEY, dir: path.join(t.tmpDir, 'nginx') });
});
after(async () => {
  await proxy?.stop();
  await t?.stop();
});

const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));

test('the connection settings come from TEMPORAL_* variables and profiles, and never show a secret', () => {
  const home = path.join(t.tmpDir, 'home');
  const plain = temporalTarget({ HOME: home });
  assert.equal(plain.configured, false);
  assert.equal(plain.address, 'localhost:7233');
  assert.equal(plain.namespace, 'default');

  const cloud = temporalTarget({ HOME: home, TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'sekrit' });
  assert.equal(cloud.configured, true);
  assert.equal(cloud.options.tls, true, 'an API key turns TLS on');
  assert.equal(cloud.options.apiKey, 'sekrit');
  assert.doesNotMatch(cloud.describe, /sekrit/);
  assert.match(cloud.describe, /ns\.acct\.tmprl\.cloud:7233 \(namespace ns\.acct, TLS, API key\)/);

  assert.throws(() => temporalTarget({ HOME: home, TEMPORAL_PROFILE: 'nope' }), /Profile 'nope' not found.*TEMPORAL_PROFILE/);
  assert.throws(() => temporalTarget({ HOME: home, TEMPORAL_CONFIG_FILE: path.join(home, 'missing.toml') }), /TEMPORAL_CONFIG_FILE=.*missing\.toml does not exist/);
  assert.throws(() => temporalTarget({ HOME: home, TEMPORAL_ADDRESS: 'x:1', TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(home, 'no.crt'), TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(home, 'no.key') }),
    /no\.crt.*TEMPORAL_TLS_\*/);
});

test('a worker (environment) and the episode CLI (TOML profile) run an episode through mTLS + API key', async () => {
  const dataDir = path.join(t.tmpDir, 'data');
  const taskQueue = 'webtv-tls';
  const workerEnv = {
    ...cleanEnv(), HOME: path.join(t.tmpDir, 'home'), WEBTV_DATA_DIR: dataDir, WEBTV_TASK_QUEUE: taskQueue,
    TEMPORAL_ADDRESS: proxy.address, TEMPORAL_API_KEY: API_KEY,
    TEMPORAL_TLS_CLIENT_CERT_PATH: pki.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: pki.clientKey,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert,
  };
  const worker = execa('node', ['bin/webtv.js', 'worker'], { env: workerEnv, extendEnv: false, reject: false, all: true });
  let workerLog = '';
  try {
    const toml = path.join(t.tmpDir, 'temporal.toml');
    fs.writeFileSync(toml, [
      '[profile.secure]',
      `address = "${proxy.address}"`,
      'namespace = "default"',
      `api_key = "${API_KEY}"`,
      '[profile.secure.tls]',
      `client_cert_path = "${pki.clientCert}"`,
      `client_key_path = "${pki.clientKey}"`,
      `server_ca_cert_path = "${pki.caCert}"`,
      '',
    ].join('\n'));
    const cliEnv = { ...cleanEnv(), HOME: path.join(t.tmpDir, 'home'), WEBTV_DATA_DIR: dataDir, WEBTV_TASK_QUEUE: taskQueue, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'secure' };
    const made = await execa('node', ['bin/webtv.js', 'episode', 'make', '--theme', 'a lantern on a quiet pier', '--shots', '1', '--channel', 'tls'],
      { env: cliEnv, extendEnv: false, reject: false });
    assert.equal(made.exitCode, 0, made.stderr);
    const episodeFile = made.stdout.trim().split('\n').pop()!;
    assert.ok(fs.existsSync(episodeFile), `the printed episode exists: ${episodeFile}`);
    // The history is on the dev server behind the proxy: the same workflow, seen directly.
    const desc = await t.client.workflow.getHandle('tls/episode-1').describe();
    assert.equal(desc.status.name, 'COMPLETED');
    assert.equal(desc.taskQueue, taskQueue);
  } finally {
    worker.kill('SIGINT');
    workerLog = (await worker).all ?? '';
  }
  assert.match(workerLog, new RegExp(`at ${proxy.address} \\(namespace default, mTLS, API key\\)`), 'the worker says where it connected, without the key');
  assert.doesNotMatch(workerLog, new RegExp(API_KEY));
});

test('a wrong client certificate or a missing API key is refused with the address and what to set', async () => {
  const base = {
    ...cleanEnv(), HOME: path.join(t.tmpDir, 'home'), TEMPORAL_ADDRESS: proxy.address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert,
  };
  const status = (env: Record<string, string>) => execa('node', ['bin/webtv.js', 'channel', 'status', 'x'], { env, extendEnv: false, reject: false });

  const stranger = await status({ ...base, TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS_CLIENT_CERT_PATH: pki.strangerCert, TEMPORAL_TLS_CLIENT_KEY_PATH: pki.strangerKey });
  assert.notEqual(stranger.exitCode, 0);
  assert.match(stranger.stderr, new RegExp(`cannot reach Temporal at ${proxy.address} \\(namespace default, mTLS, API key\\).*TEMPORAL_ADDRESS`));

  const noKey = await status({ ...base, TEMPORAL_TLS: 'true', TEMPORAL_TLS_CLIENT_CERT_PATH: pki.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: pki.clientKey });
  assert.notEqual(noKey.exitCode, 0);
  assert.match(noKey.stderr, /cannot reach Temporal at .*mTLS\)/);
  assert.doesNotMatch(noKey.stderr + stranger.stderr, new RegExp(API_KEY));
});
