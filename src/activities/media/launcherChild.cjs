// The launcher process: starts ffmpeg and ffprobe for a worker and relays their output (launcher.ts says
// why it exists). Plain CommonJS with no dependencies, so it stays a small process: its forks are cheap.
// Messages in:  { id, cmd, args, cwd?, niceness? } to start; { id, kill: 'SIGTERM' | 'SIGKILL' } to stop.
// Messages out: { id, out } for each stdout chunk; { id, exit: { code, signal, error? }, stderr } once.
'use strict';
const { spawn } = require('node:child_process');
const os = require('node:os');

/** Enough of stderr to say why a run failed, and all of a measuring run's summary. */
const STDERR_KEPT = 1 << 20;
const running = new Map();

function send(message) {
  if (process.connected) process.send(message);
}

function start(m) {
  let child;
  try {
    child = spawn(m.cmd, m.args, { cwd: m.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    send({ id: m.id, exit: { code: null, signal: null, error: String(err && err.message) }, stderr: '' });
    return;
  }
  running.set(m.id, child);
  if (m.niceness && child.pid) {
    try {
      os.setPriority(child.pid, m.niceness);
    } catch {
      // Not allowed here (a container without the capability): it runs at normal priority.
    }
  }
  let stderr = '';
  let done = false;
  const finish = (exit) => {
    if (done) return;
    done = true;
    running.delete(m.id);
    send({ id: m.id, exit, stderr });
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (out) => send({ id: m.id, out }));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (stderr.length > STDERR_KEPT) stderr = stderr.slice(-STDERR_KEPT / 2);
  });
  child.on('error', (err) => finish({ code: null, signal: null, error: err.message }));
  child.on('close', (code, signal) => finish({ code, signal }));
}

process.on('message', (m) => {
  if (m.kill) running.get(m.id)?.kill(m.kill);
  else start(m);
});

// Its life is the worker's: a Ctrl-C reaches the ffmpeg runs themselves (one process group), and the
// worker, which shuts down and closes the channel.
process.on('SIGINT', () => {});
// The worker is gone (it exited, or was killed): nothing it started may run on without it.
process.on('disconnect', () => {
  for (const child of running.values()) child.kill('SIGKILL');
  process.exit(0);
});
