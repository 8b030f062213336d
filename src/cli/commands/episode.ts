// `webtv episode make --theme "…" [--shots N] [--backend offline|openai] [--seed S] [--json]`: runs one
// episodeWorkflow on the Temporal Service and prints the episode's path (or its manifest), with progress.
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadChannelBackends, loadShowFile } from '../../channels/channelConfig';
import { episodesDir } from '../../activities/episode/paths';
import { readSettings } from '../../config/settings';
import { connectClient, temporalTarget } from '../../temporal/connection';
import { episodeWorkflowId } from '../../shared/channel';
import type { EpisodeInput, EpisodeManifest } from '../../shared/types';
import { episodeInputProblem, offlineBackends } from '../../shared/validation';
import { themeRejection } from '../../shared/theme';
import { episodeWorkflow } from '../../workflows/episode';
import { episodeProgressQuery, type EpisodeProgress } from '../../workflows/episodeProgress';

const USAGE = 'usage: webtv episode make --theme "…" | --show show.json [--theme "…"] [--length MIN-MAX] [--shots N] [--backend offline|openai] [--seed S] [--channel name] [--episode N] [--parallel K] [--config file] [--json]';

/** The next episode number this data directory has not used for `channel`. */
export function nextEpisodeNumber(dataDir: string, channel: string): number {
  const dir = episodesDir(dataDir, channel);
  if (!fs.existsSync(dir)) return 1;
  const used = fs.readdirSync(dir).map(Number).filter(Number.isInteger);
  return used.length ? Math.max(...used) + 1 : 1;
}

export function parseEpisodeArgs(argv: string[], dataDir: string): { input: EpisodeInput; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      theme: { type: 'string' }, shots: { type: 'string', default: '3' }, backend: { type: 'string', default: 'offline' },
      seed: { type: 'string' }, channel: { type: 'string', default: 'cli' }, episode: { type: 'string' },
      parallel: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean', default: false },
      show: { type: 'string' }, length: { type: 'string' },
    },
  });
  if (positionals[0] !== 'make' || positionals.length !== 1) throw new Error(`expected "episode make"\n${USAGE}`);
  if (values.theme === undefined && values.show === undefined) throw new Error(`--theme or --show is required\n${USAGE}`);
  // A directed episode: the show's premise is its theme unless one is given (moderated either way).
  const show = values.show === undefined ? undefined : loadShowFile(values.show);
  let lengthSec: EpisodeInput['lengthSec'];
  if (values.length !== undefined) {
    const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(values.length);
    if (!m) throw new Error(`--length must be MIN-MAX in seconds, e.g. 30-45, got "${values.length}"`);
    lengthSec = { min: Number(m[1]), max: Number(m[2]) };
  }
  if (values.backend !== 'offline' && values.backend !== 'openai') throw new Error(`--backend must be "offline" or "openai", got "${values.backend}"`);
  const int = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a whole number, got "${v}"`);
    return Number(v);
  };
  const backends = offlineBackends();
  if (values.config) Object.assign(backends, loadChannelBackends(values.config));
  if (values.backend === 'openai') backends.writer = { kind: 'openai' };
  const channel = values.channel!;
  const input: EpisodeInput = {
    channel,
    episode: int('episode', values.episode) ?? nextEpisodeNumber(dataDir, channel),
    theme: values.theme ?? show!.premise,
    ...(show ? { show, storySoFar: [] } : {}),
    ...(lengthSec ? { lengthSec } : {}),
    shots: int('shots', values.shots)!,
    seed: int('seed', values.seed) ?? Math.floor(Math.random() * 2 ** 31),
    backends,
    parallelShots: int('parallel', values.parallel),
  };
  const problem = episodeInputProblem(input);
  if (problem) throw new Error(problem);
  return { input, json: values.json! };
}

function progressLine(p: EpisodeProgress): string {
  const made = p.steps.filter((s) => s.step !== 'writeShotList').length;
  const degraded = p.steps.filter((s) => s.degraded).length;
  return `${p.stage}: ${p.shotsDone}/${p.shotsTotal} shots, ${made} media steps done${degraded ? `, ${degraded} degraded to offline` : ''}`;
}

export async function run(argv: string[]): Promise<number> {
  const settings = readSettings();
  const { input, json } = parseEpisodeArgs(argv, settings.dataDir);
  const { client, connection } = await connectClient(temporalTarget());
  try {
    const workflowId = episodeWorkflowId(input.channel, input.episode);
    // Same id again: attach to the running or finished episode instead of making it twice.
    const handle = await client.workflow.start(episodeWorkflow, {
      taskQueue: settings.taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      staticSummary: `episode ${input.episode} of ${input.channel}: ${input.theme.slice(0, 80)}`,
    }).catch(async (err) => {
      if (err?.name === 'WorkflowExecutionAlreadyStartedError') return client.workflow.getHandle(workflowId);
      throw err;
    });
    console.error(`episode ${workflowId}: started (watch it in the Temporal Web UI)`);
    let last = '';
    const tty = process.stderr.isTTY;
    const timer = setInterval(async () => {
      const line = await handle.query(episodeProgressQuery).then(progressLine, () => '');
      if (line && line !== last) {
        process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
        last = line;
      }
    }, 1_000);
    let manifest: EpisodeManifest;
    try {
      manifest = await handle.result();
    } finally {
      clearInterval(timer);
      if (tty && last) process.stderr.write('\n');
    }
    // stdout stays the path (scripts read it); the store key goes with the progress on stderr.
    if (manifest.episodeFile) console.error(`in the store as ${manifest.episodeFile.key} (${manifest.episodeFile.size} bytes, sha256 ${manifest.episodeFile.sha256.slice(0, 12)}…)`);
    console.log(json ? JSON.stringify(manifest, null, 2) : manifest.episodePath);
    return 0;
  } catch (err) {
    const rejected = themeRejection(err);
    if (rejected) {
      console.error(`webtv episode: ${rejected.message}`);
      return 1;
    }
    const cause = (err as { cause?: { message?: string } }).cause;
    throw new Error(cause?.message ? `${(err as Error).message}: ${cause.message}` : (err as Error).message);
  } finally {
    await connection.close();
  }
}
