// Starts ffmpeg and ffprobe through a small, long-lived launcher process (launcherChild.cjs) instead of
// from the worker itself. Node's child_process forks on Linux (libuv: nodejs/node#14917, libuv/libuv#3520),
// and a fork copies the page tables of the whole forking process, whose resident size is the worker's
// (~350 MB with every role: two workflow threads, the Temporal core, the web server): each start cost
// ~25 ms more CPU than from the ~40-MB launcher (bench/stages.ts prints it: 158 against 133 ms per ffprobe
// start from a 390-MB process), and blocked the event loop meanwhile. An episode starts ~15 of them.
// Node offers no other way to start a process (no posix_spawn or vfork option), so it is written here: one IPC
// channel, one message per start, stop and exit, stdout relayed as it comes.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./launcherChild.cjs', import.meta.url));
/** How long a stopped run may take to finish its output before it is killed. */
const FORCE_KILL_AFTER_MS = 2_000;

export interface LaunchOptions {
  cwd?: string;
  /** Niceness (0–19) of the started process. */
  niceness?: number;
  /** Aborting stops the process: SIGTERM, then SIGKILL after FORCE_KILL_AFTER_MS. */
  signal?: AbortSignal;
  /** Each stdout chunk as it comes (the result then holds no stdout). */
  onStdout?(chunk: string): void;
}

export interface Launched {
  /** null when it was killed by a signal, or never started (`error`). */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  /** Its last megabyte of stderr at most. */
  stderr: string;
  /** The `signal` was aborted before it ended. */
  canceled: boolean;
  /** Why it could not start (ENOENT: not installed). */
  error?: string;
}

interface Pending {
  /** The launcher it was sent to: one that dies fails only its own runs. */
  via: ChildProcess;
  stdout: string;
  onStdout?(chunk: string): void;
  settle(exit: { code: number | null; signal: string | null; error?: string }, stderr: string): void;
}

type FromLauncher = { id: number; out?: string; exit?: { code: number | null; signal: string | null; error?: string }; stderr?: string };

let launcher: ChildProcess | undefined;
const pending = new Map<number, Pending>();
let nextId = 1;

function launcherProcess(): ChildProcess {
  if (launcher?.connected) return launcher;
  // No tsx loader or other NODE_OPTIONS: the launcher is plain JavaScript and should stay small.
  const child = fork(CHILD, [], { execArgv: [], env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
  child.on('message', (m: FromLauncher) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.out !== undefined) {
      if (p.onStdout) p.onStdout(m.out);
      else p.stdout += m.out;
    }
    if (m.exit) p.settle(m.exit, m.stderr ?? '');
  });
  const lost = () => {
    if (launcher === child) launcher = undefined;
    for (const p of [...pending.values()]) if (p.via === child) p.settle({ code: null, signal: null, error: 'the launcher process exited while it ran' }, '');
  };
  child.on('exit', lost);
  child.on('error', lost);
  launcher = child;
  idle(child);
  return child;
}

/** The launcher keeps the worker alive only while something it started runs. */
function idle(child: ChildProcess, busy = pending.size > 0): void {
  if (busy) {
    child.ref();
    child.channel?.ref();
  } else {
    child.unref();
    child.channel?.unref();
  }
}

/** The launcher's pid while it runs (benchmarks read its children's CPU time from /proc). */
export function launcherPid(): number | undefined {
  return launcher?.connected ? launcher.pid : undefined;
}

export function launch(cmd: string, args: string[], o: LaunchOptions = {}): Promise<Launched> {
  return new Promise((resolve) => {
    const id = nextId++;
    let canceled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = launcherProcess();
    const stop = () => {
      canceled = true;
      if (child.connected) child.send({ id, kill: 'SIGTERM' });
      killTimer = setTimeout(() => child.connected && child.send({ id, kill: 'SIGKILL' }), FORCE_KILL_AFTER_MS);
    };
    const entry: Pending = {
      via: child,
      stdout: '',
      onStdout: o.onStdout,
      settle(exit, stderr) {
        if (!pending.delete(id)) return;
        clearTimeout(killTimer);
        o.signal?.removeEventListener('abort', stop);
        if (launcher) idle(launcher);
        resolve({ exitCode: exit.code, signal: exit.signal, stdout: entry.stdout, stderr, canceled, ...(exit.error ? { error: exit.error } : {}) });
      },
    };
    pending.set(id, entry);
    idle(child, true);
    if (o.signal?.aborted) {
      canceled = true;
      entry.settle({ code: null, signal: null }, '');
      return;
    }
    o.signal?.addEventListener('abort', stop, { once: true });
    child.send({ id, cmd, args, ...(o.cwd ? { cwd: o.cwd } : {}), ...(o.niceness ? { niceness: o.niceness } : {}) });
  });
}
