// Starts the real model server (model-server/app.py) on tiny random-weight models built by
// test/fixtures/model-server/tiny_models.py, in the pinned virtualenv of scripts/install-model-server.sh.
// stop() always ends the process. Nothing is downloaded: HF_HUB_OFFLINE is set.
import { execa, type ResultPromise } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/servers/temporalDevServer';
import { waitFor } from './wait';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TinyModels { dir: string; video: string; upscale: string; music: string; film: string }

export interface ModelServerHealth {
  server: string;
  device: string;
  gpu: { name: string; free_bytes: number; total_bytes: number } | null;
  loaded: { name: string; source: string; bytes: number }[];
  unloads: number;
  models: Record<string, string>;
}

export interface ModelServer {
  url: string;
  health(): Promise<ModelServerHealth>;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

let python: Promise<string> | undefined;
/** The model server's python (installed on first use, reused after). */
export function modelServerPython(): Promise<string> {
  python ??= execa('bash', [path.join(repoRoot, 'scripts/install-model-server.sh')], { stderr: 'inherit' })
    .then((r) => r.stdout.trim().split('\n').pop()!);
  return python;
}

/** The environment every test run gets: offline, no analytics, one torch thread (the machine is shared,
 *  and oversubscribed threads made CPU runs several times slower). */
export const baseEnv = { HF_HUB_OFFLINE: '1', GRADIO_ANALYTICS_ENABLED: 'False', PYTHONUNBUFFERED: '1', OMP_NUM_THREADS: '1', TOKENIZERS_PARALLELISM: 'false' };

export async function makeTinyModels(): Promise<TinyModels> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-tiny-models-'));
  const py = await modelServerPython();
  const r = await execa(py, [path.join(repoRoot, 'test/fixtures/model-server/tiny_models.py'), dir], { env: baseEnv, stderr: 'pipe' });
  return { dir, ...JSON.parse(r.stdout.trim().split('\n').pop()!) };
}

/** The environment that points the server at the tiny models. */
export function tinyModelEnv(m: TinyModels, interpolator: 'film' | 'blend' = 'film'): Record<string, string> {
  return {
    WEBTV_VIDEO_MODEL: m.video, WEBTV_UPSCALE_MODEL: m.upscale, WEBTV_MUSIC_MODEL: m.music,
    WEBTV_INTERPOLATE_MODEL: interpolator === 'film' ? m.film : 'blend',
  };
}

/** Starts app.py (or another entry, e.g. the OOM-simulating wrapper) and waits for its health route. */
export async function startModelServer(env: Record<string, string>, entry = path.join(repoRoot, 'model-server/app.py')): Promise<ModelServer> {
  const py = await modelServerPython();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  let out = '';
  const proc: ResultPromise = execa(py, [entry, '--port', String(port)], {
    env: { ...baseEnv, ...env }, cwd: repoRoot, reject: false, cleanup: true, all: true, buffer: false,
  });
  proc.all?.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-20_000); });
  let exited = false;
  void proc.then(() => { exited = true; });
  const stop = async () => {
    if (!exited) { proc.kill('SIGKILL'); await proc; }
  };
  try {
    await waitFor(`model server on ${url}`, async () => {
      if (exited) throw new Error(`model server exited: ${out.slice(-3000)}`);
      const r = await fetch(`${url}webtv/health`).catch(() => undefined);
      return r?.ok;
    }, 300_000, 200);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    output: () => out,
    async health() {
      const r = await fetch(`${url}webtv/health`);
      if (!r.ok) throw new Error(`health answered ${r.status}`);
      return (await r.json()) as ModelServerHealth;
    },
    stop,
  };
}
