// How an activity makes a file durably: reuse a valid one already in place, else have the backend write a
// temporary name, validate it, and rename it into place. A crash never leaves a half file that looks done.
// Every outcome is appended to the episode's activity log (proof of what ran, for operators and tests).
import { Context } from '@temporalio/activity';
import fs from 'node:fs';
import path from 'node:path';
import { probe, videoSec, type ProbeResult } from '../media/ffmpeg';
import type { BackendContext, Written } from '../backends/backends';
import { writeFileAtomic } from '../../store/atomicFile';

export const ACTIVITY_LOG = 'activity-log.jsonl';

export interface LogEntry {
  step: string;
  shot?: number;
  /** A directed episode's line (voiceLine) or cue (makeSoundEffect). */
  line?: number;
  cue?: number;
  backend?: string;
  attempt: number;
  outcome: 'made' | 'reused' | 'failed';
  ms?: number;
  error?: string;
}

export function appendActivityLog(dir: string, entry: LogEntry): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.appendFileSync(path.join(dir, ACTIVITY_LOG), `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
}

export function readActivityLog(dir: string): (LogEntry & { at: string })[] {
  const file = path.join(dir, ACTIVITY_LOG);
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

export type MediaKind = 'video' | 'audio';

export function mediaProblem(p: ProbeResult, kind: MediaKind): string | undefined {
  if (kind === 'video') {
    if (!p.video) return 'it has no video stream';
    if (!(p.video.width > 0 && p.video.height > 0)) return 'its video has no size';
    if (!((videoSec(p) ?? 0) > 0.1)) return 'its video is shorter than 0.1 s';
  } else {
    if (!p.audio) return 'it has no audio stream';
    if (!((p.audio.durationSec ?? p.durationSec) > 0.1)) return 'its audio is shorter than 0.1 s';
  }
  return undefined;
}

/** The activity's own context as the backends see it; heartbeats keep flowing while a backend is quiet. */
export function backendContext(scratchDir: string, compactOutput = false): { ctx: BackendContext; stop(): void } {
  const actx = Context.current();
  let last: Record<string, unknown> = { stage: 'starting' };
  const beat = () => actx.heartbeat(last);
  const timer = setInterval(beat, 5_000);
  beat();
  return {
    ctx: {
      signal: actx.cancellationSignal,
      scratchDir,
      ...(compactOutput ? { compactOutput } : {}),
      heartbeat(details) {
        last = { ...details };
        beat();
      },
    },
    stop: () => clearInterval(timer),
  };
}

export interface ProduceOptions {
  dir: string;
  /** Final file name, inside dir; should name the inputs (e.g. include a hash) so reuse is safe. */
  name: string;
  kind: MediaKind;
  step: string;
  shot?: number;
  line?: number;
  cue?: number;
  backend: string;
  /** The output goes to a shared store (BackendContext.compactOutput). */
  compactOutput?: boolean;
  /** Writes `outPath`; may say what it wrote (backends.ts, Written), else the file is probed. */
  make(outPath: string, ctx: BackendContext): Promise<Written>;
}

export interface Produced {
  path: string;
  probe: ProbeResult;
  reused: boolean;
  attempt: number;
}

export async function produceMedia(o: ProduceOptions): Promise<Produced> {
  const attempt = Context.current().info.attempt;
  const final = path.join(o.dir, o.name);
  fs.mkdirSync(o.dir, { recursive: true });
  if (fs.existsSync(final)) {
    try {
      const p = await probe(final);
      if (!mediaProblem(p, o.kind)) {
        appendActivityLog(o.dir, { step: o.step, shot: o.shot, line: o.line, cue: o.cue, backend: o.backend, attempt, outcome: 'reused' });
        return { path: final, probe: p, reused: true, attempt };
      }
    } catch {
      // Not valid media: make it again below.
    }
  }
  const ext = path.extname(o.name);
  const tmp = path.join(o.dir, `.${path.basename(o.name, ext)}.attempt-${attempt}.tmp${ext}`);
  const scratch = fs.mkdtempSync(path.join(o.dir, `.scratch-${o.step}-`));
  const { ctx, stop } = backendContext(scratch, o.compactOutput);
  const started = Date.now();
  try {
    const p = await writeFileAtomic(final, async (tmp): Promise<ProbeResult> => {
      const written = await o.make(tmp, ctx);
      if (!fs.existsSync(tmp) || fs.statSync(tmp).size === 0) throw new Error(`the ${o.backend} backend wrote no ${o.kind} file`);
      let p: ProbeResult;
      try {
        p = written ?? await probe(tmp, ctx.signal);
      } catch (err) {
        throw new Error(`the ${o.backend} backend returned a file that is not readable ${o.kind}: ${(err as Error).message}`);
      }
      const problem = mediaProblem(p, o.kind);
      if (problem) throw new Error(`the ${o.backend} backend returned unusable ${o.kind}: ${problem}`);
      return p;
    }, { tmp });
    appendActivityLog(o.dir, { step: o.step, shot: o.shot, line: o.line, cue: o.cue, backend: o.backend, attempt, outcome: 'made', ms: Date.now() - started });
    return { path: final, probe: p, reused: false, attempt };
  } catch (err) {
    appendActivityLog(o.dir, { step: o.step, shot: o.shot, line: o.line, cue: o.cue, backend: o.backend, attempt, outcome: 'failed', ms: Date.now() - started, error: String((err as Error)?.message ?? err).slice(0, 300) });
    throw err;
  } finally {
    stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
