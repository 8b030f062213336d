// The launcher process that starts ffmpeg and ffprobe for a worker (src/activities/media/launcher.ts):
// output relayed, cancellation, a program that is not there, a launcher that dies, a worker that dies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { launch, launcherPid } from '../src/activities/media/launcher';
import { runFfmpeg } from '../src/activities/media/ffmpeg';
import { waitFor } from './helpers/wait';

/** The pids of ffmpeg runs whose command line holds `marker`. */
const running = async (marker: string) => (await execa('pgrep', ['-a', '-f', marker], { reject: false })).stdout.split('\n')
  .map((line) => /^(\d+) ffmpeg /.exec(line)?.[1]).filter(Boolean).map(Number);
/** An ffmpeg that runs until stopped, findable by `marker` in its command line. */
const endless = (marker: string) => ['-hide_banner', '-nostdin', '-re', '-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=5', '-metadata', `comment=${marker}`, '-f', 'null', '-'];

test('runs a program and relays its output; ffmpeg progress and frame count come through', async () => {
  const r = await launch('ffprobe', ['-version']);
  assert.equal(r.exitCode, 0);
  assert.match(r.stdout, /^ffprobe version/);
  assert.ok(launcherPid(), 'a launcher process runs');
  assert.notEqual(launcherPid(), process.pid);
  const fractions: number[] = [];
  const report = await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=24:duration=2', '-f', 'null', '-'], { expectedSec: 2, onProgress: (p) => fractions.push(p.fraction ?? 0) });
  assert.equal(report.frames, 48);
  assert.ok(Math.abs(report.outSec - 2) < 0.05, String(report.outSec));
  assert.equal(fractions.at(-1), 1);
  await assert.rejects(runFfmpeg(['-i', '/nonexistent/input.mkv', '-f', 'null', '-']), /ffmpeg failed \(exit \d+\): .*No such file or directory/);
});

test('a program that is not installed is an error that says so, and the launcher goes on', async () => {
  const r = await launch('webtv-no-such-program', []);
  assert.equal(r.exitCode, null);
  assert.match(r.error ?? '', /ENOENT/);
  assert.equal((await launch('ffprobe', ['-version'])).exitCode, 0);
});

test('aborting stops the run (SIGTERM) and resolves as cancelled; runFfmpeg throws "cancelled"', async () => {
  const marker = randomUUID();
  const ac = new AbortController();
  const run = launch('ffmpeg', endless(marker), { signal: ac.signal });
  await waitFor('ffmpeg to start', async () => (await running(marker)).length > 0, 10_000, 50);
  ac.abort();
  const r = await run;
  assert.equal(r.canceled, true);
  assert.deepEqual(await running(marker), []);
  const ac2 = new AbortController();
  const marker2 = randomUUID();
  const run2 = runFfmpeg(endless(marker2), { signal: ac2.signal });
  await waitFor('ffmpeg to start', async () => (await running(marker2)).length > 0, 10_000, 50);
  ac2.abort();
  await assert.rejects(run2, /ffmpeg was cancelled/);
  // Already aborted: nothing starts.
  assert.equal((await launch('ffprobe', ['-version'], { signal: AbortSignal.abort() })).canceled, true);
});

test('a launcher that dies fails its runs with a clear error, and the next run starts a new one', async () => {
  const marker = randomUUID();
  const run = launch('ffmpeg', endless(marker));
  const [ffmpeg] = await waitFor('ffmpeg to start', async () => { const p = await running(marker); return p.length ? p : null; }, 10_000, 50);
  const first = launcherPid()!;
  process.kill(first, 'SIGKILL');
  const r = await run;
  assert.match(r.error ?? '', /the launcher process exited while it ran/);
  process.kill(ffmpeg, 'SIGKILL'); // orphaned by the SIGKILL: no process outlives a SIGKILL'd parent's care
  assert.equal((await launch('ffprobe', ['-version'])).exitCode, 0);
  assert.notEqual(launcherPid(), first);
});

test('a worker that dies (SIGKILL) takes what its launcher started with it', async () => {
  const marker = randomUUID();
  const script = `import { launch } from ${JSON.stringify(new URL('../src/activities/media/launcher.ts', import.meta.url).pathname)};
    void launch('ffmpeg', ${JSON.stringify(endless(marker))});`;
  const worker = execa('node', ['--import', 'tsx', '--input-type=module', '-e', script], { reject: false });
  await waitFor('ffmpeg to start', async () => (await running(marker)).length > 0, 20_000, 100);
  worker.kill('SIGKILL');
  await worker;
  await waitFor('the ffmpeg to be stopped by the launcher', async () => (await running(marker)).length === 0, 10_000, 100);
});
