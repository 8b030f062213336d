// Secrets that guard the public surface are refused when short or empty, with one line naming the
// variable: the control token, the publish secret (empty would turn node-media-server's publish check
// off), and the cookie secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { webSecretsFromEnv } from '../src/config/web';
import { broadcastFromEnv, publishSecretFromEnv } from '../src/config/broadcast';
import { startRtmpServer } from '../src/servers/rtmp';
import { freePort } from '../src/servers/temporalDevServer';

const long = 'x'.repeat(24);

test('WEBTV_CONTROL_TOKEN and WEBTV_COOKIE_SECRET under 24 characters, or set empty, are refused naming the variable', () => {
  for (const name of ['WEBTV_CONTROL_TOKEN', 'WEBTV_COOKIE_SECRET']) {
    for (const value of ['', 'short', 'x'.repeat(23)]) {
      assert.throws(() => webSecretsFromEnv({ [name]: value }), new RegExp(`${name} must be at least 24 characters long`), `${name}=${JSON.stringify(value)}`);
    }
  }
  assert.deepEqual(webSecretsFromEnv({ WEBTV_CONTROL_TOKEN: long, WEBTV_COOKIE_SECRET: long }), { controlToken: long, cookieSecret: long });
  assert.deepEqual(webSecretsFromEnv({}), {});
});

test('WEBTV_PUBLISH_SECRET empty or under 24 characters is refused; the RTMP server never starts with a short secret', async () => {
  for (const value of ['', 'test-secret', 'x'.repeat(23)]) {
    assert.throws(() => publishSecretFromEnv({ WEBTV_PUBLISH_SECRET: value }), /WEBTV_PUBLISH_SECRET must be at least 24 characters long/);
    assert.throws(() => broadcastFromEnv({ WEBTV_RTMP_URL: 'rtmp://h:1935/live', WEBTV_PUBLISH_SECRET: value }), /WEBTV_PUBLISH_SECRET/);
  }
  assert.equal(publishSecretFromEnv({ WEBTV_PUBLISH_SECRET: long }), long);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-secrets-'));
  try {
    await assert.rejects(startRtmpServer({ rtmpPort: await freePort(), httpPort: await freePort(), storeDir: dir, secret: '' }), /at least 24 characters/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('`webtv start` with an empty WEBTV_PUBLISH_SECRET stops at once with one line naming it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-secrets-'));
  try {
    for (const [name, value] of [['WEBTV_PUBLISH_SECRET', ''], ['WEBTV_CONTROL_TOKEN', 'short-token']]) {
      const r = await execa(process.execPath, ['bin/webtv.js', 'start'], {
        env: { ...process.env, WEBTV_DATA_DIR: dir, [name]: value }, reject: false, timeout: 60_000,
      });
      assert.notEqual(r.exitCode, 0);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${r.stderr}`);
      assert.match(lines[0], new RegExp(`${name} must be at least 24 characters long`));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
