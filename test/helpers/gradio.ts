// Starts the Gradio fixture (test/fixtures/gradio/app.py) on a free port with a pinned Gradio version
// from scripts/install-gradio.sh's cache, and drives its fault switches. stop() always ends it.
import { execa, type ResultPromise } from 'execa';
import type { TestContext } from 'node:test';
import { run as spacesCommand } from '../../src/cli/commands/spaces';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/servers/temporalDevServer';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const GRADIO_VERSIONS = ['5.50.0', '6.31.0'] as const;
export type GradioVersion = (typeof GRADIO_VERSIONS)[number];

export type FaultMode = 'error' | 'exception' | 'busy' | 'hang' | 'crash' | 'corrupt' | 'traversal' | 'wrong_shape' | 'quota' | 'slow';

export interface FixtureState {
  running: number;
  max_running: number;
  queued: number;
  calls: Record<string, number>;
  last: Record<string, Record<string, unknown>>;
  gradio: string;
  /** GET / requests: what wakes a sleeping Space. */
  page_views: number;
}

const pythons = new Map<string, Promise<string>>();
/** The venv python for a pinned version (installed on first use, reused after). */
export function gradioPython(version: string): Promise<string> {
  let p = pythons.get(version);
  if (!p) {
    p = execa('bash', [path.join(repoRoot, 'scripts/install-gradio.sh')], { env: { GRADIO_VERSIONS: version }, stderr: 'inherit' })
      .then((r) => r.stdout.trim().split('\n').pop()!.split(' ')[1]);
    pythons.set(version, p);
  }
  return p;
}

import { waitFor as waitUntil } from './wait';

export { waitUntil };

export interface Fixture {
  version: string;
  url: string;
  port: number;
  state(): Promise<FixtureState>;
  /** `message`/`title`: what an 'error' fault raises as gr.Error (default: a refusal of our input). */
  fault(mode: FaultMode, opts?: { endpoint?: string; times?: number; seconds?: number; message?: string; title?: string }): Promise<void>;
  release(): Promise<void>;
  reset(): Promise<void>;
  /** Kills the server process (SIGKILL) and waits until it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  /** True once the process has exited (e.g. after a crash fault). */
  exited(): boolean;
  stop(): Promise<void>;
}

export async function startFixture(version: string, opts: { maxSize?: number } = {}): Promise<Fixture> {
  const python = await gradioPython(version);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  let child: ResultPromise | undefined;
  let done = true;
  const launch = async () => {
    done = false;
    const proc = execa(python, [path.join(repoRoot, 'test/fixtures/gradio/app.py'), '--port', String(port), '--max-size', String(opts.maxSize ?? 4)], {
      env: { GRADIO_ANALYTICS_ENABLED: 'False', HF_HUB_OFFLINE: '1', PYTHONUNBUFFERED: '1' },
      reject: false, cleanup: true, all: true, buffer: true,
    });
    child = proc;
    proc.then(() => { if (child === proc) done = true; });
    await waitUntil(`gradio ${version} fixture on ${url}`, async () => {
      if (child === proc && done) throw new Error(`fixture exited: ${String((await proc).all).slice(-2000)}`);
      const r = await fetch(`${url}config`).catch(() => undefined);
      return r?.ok;
    }, 60_000, 100);
  };
  const post = async (p: string, body: unknown = {}) => {
    const r = await fetch(`${url}fixture/${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`fixture ${p} answered ${r.status}`);
  };
  const kill = async () => {
    const proc = child;
    if (proc && !done) {
      proc.kill('SIGKILL');
      await proc;
    }
  };
  await launch();
  return {
    version, url, port,
    async state() {
      const r = await fetch(`${url}fixture/state`);
      return (await r.json()) as FixtureState;
    },
    fault: (mode, o = {}) => post('fault', { mode, endpoint: o.endpoint ?? '*', times: o.times ?? 1, seconds: o.seconds, message: o.message, title: o.title }),
    release: () => post('release'),
    reset: () => post('reset'),
    kill,
    restart: launch,
    exited: () => done,
    stop: kill,
  };
}

/** Runs `webtv spaces …` in this process, capturing what it prints. */
export async function runSpacesCommand(t: TestContext, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = t.mock.method(console, 'log', (...a: unknown[]) => { out.push(a.join(' ')); });
  const error = t.mock.method(console, 'error', (...a: unknown[]) => { err.push(a.join(' ')); });
  try {
    return { code: await spacesCommand(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mock.restore();
    error.mock.restore();
  }
}
