// Preflight as a new user meets it: the real commands, run with a PATH that lacks ffmpeg, with a port
// already taken, and with a missing caption font. Each problem is one line naming what to install or
// set, the command exits non-zero, and nothing claims to be on air.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/servers/temporalDevServer';
import { preflight } from '../src/preflight/index';

let dir: string;
let noFfmpeg: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-preflight-'));
  // A PATH with everything this machine has except ffmpeg and ffprobe.
  noFfmpeg = path.join(dir, 'bin');
  fs.mkdirSync(noFfmpeg);
  for (const d of (process.env.PATH ?? '').split(':')) {
    for (const f of (fs.existsSync(d) ? fs.readdirSync(d) : [])) {
      if (f === 'ffmpeg' || f === 'ffprobe' || fs.existsSync(path.join(noFfmpeg, f))) continue;
      fs.symlinkSync(path.join(d, f), path.join(noFfmpeg, f));
    }
  }
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function portsEnv(): Promise<Record<string, string>> {
  return {
    WEBTV_DATA_DIR: path.join(dir, 'data'),
    WEBTV_TEMPORAL_PORT: String(await freePort()),
    WEBTV_TEMPORAL_UI_PORT: String(await freePort()),
    WEBTV_RTMP_PORT: String(await freePort()),
    WEBTV_FLV_PORT: String(await freePort()),
    WEBTV_WEB_PORT: String(await freePort()),
  };
}

const webtv = (args: string[], env: Record<string, string>) =>
  execa(process.execPath, ['bin/webtv.js', ...args], { env: { ...process.env, ...env }, reject: false, timeout: 120_000 });

test('start, dev and worker refuse to run without ffmpeg, saying which package to install', async () => {
  for (const args of [['start'], ['dev', '--port', String(await freePort()), '--ui-port', String(await freePort())], ['worker']]) {
    const r = await webtv(args, { ...(await portsEnv()), PATH: noFfmpeg });
    assert.equal(r.exitCode, 1, `webtv ${args[0]} exits non-zero: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^webtv ${args[0]}: ffmpeg is not installed .*apt-get install ffmpeg`, 'm'));
    assert.match(r.stderr, /^webtv \w+: ffprobe is not installed/m);
    assert.doesNotMatch(r.stdout + r.stderr, /on air/i);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('start names the variable of a port already taken, and starts nothing', async () => {
  const env = await portsEnv();
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(Number(env.WEBTV_WEB_PORT), '127.0.0.1', r));
  try {
    const r = await webtv(['start'], env);
    assert.equal(r.exitCode, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.deepEqual(lines, [
      `webtv start: port ${env.WEBTV_WEB_PORT} on 127.0.0.1 (web page) is already in use: stop what uses it, or set WEBTV_WEB_PORT to a free port`,
      'webtv start: 1 problem found before start; nothing was started',
    ]);
    assert.doesNotMatch(r.stdout, /on air/i);
    assert.equal(fs.existsSync(path.join(env.WEBTV_DATA_DIR, 'temporal')), false, 'no Temporal server was started');
  } finally {
    await new Promise((r) => blocker.close(r));
  }
});

test('a missing caption font names the package and WEBTV_FONT_FILE; this machine passes otherwise', async () => {
  assert.deepEqual(await preflight({ media: true, fontFile: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' }), []);
  const problems = await preflight({ fontFile: path.join(dir, 'no-such-font.ttf') });
  assert.equal(problems.length, 1);
  assert.match(problems[0], /caption font .*no-such-font\.ttf is missing: apt-get install fonts-dejavu-core, or set WEBTV_FONT_FILE/);
  const r = await webtv(['worker'], { WEBTV_FONT_FILE: path.join(dir, 'no-such-font.ttf'), TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
  assert.equal(r.exitCode, 1);
  assert.match(r.stderr, /^webtv worker: the caption font .* set WEBTV_FONT_FILE/m);
});
