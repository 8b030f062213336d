// The real Temporal dev server plus a worker that runs test/fixtures/gradio/workflows.ts, whose one
// activity calls a Gradio backend exactly as the episode activities do (cancellation signal, heartbeats).
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startDevServer, type DevServer } from '../../src/servers/temporalDevServer';
import { gradioBackend } from '../../src/activities/backends/gradio/index';
import type { GradioStepInput } from '../fixtures/gradio/workflows';

const workflowsPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/gradio/workflows.ts');

export interface GradioTemporal {
  client: Client;
  tmpDir: string;
  taskQueue: string;
  /** Runs one backend call as a workflow; resolves with the attempt that succeeded. */
  run(input: Omit<GradioStepInput, 'outPath'> & { outPath?: string }, workflowId?: string): Promise<{ attempt: number; outPath: string }>;
  start(input: Omit<GradioStepInput, 'outPath'> & { outPath?: string }): Promise<{ workflowId: string; outPath: string }>;
  stop(): Promise<void>;
}

export async function gradioStep(input: GradioStepInput): Promise<{ attempt: number }> {
  const ctx = Context.current();
  const bctx = { signal: ctx.cancellationSignal, heartbeat: (d?: Record<string, unknown>) => ctx.heartbeat(d), scratchDir: path.dirname(input.outPath) };
  if (input.capability === 'video') await gradioBackend.video!(input.spec, { prompt: input.prompt, seed: 7, outPath: input.outPath }, bctx);
  else if (input.capability === 'upscale') await gradioBackend.upscale!(input.spec, { prompt: input.prompt, seed: 7, inPath: input.inPath!, outPath: input.outPath }, bctx);
  else if (input.capability === 'interpolate') await gradioBackend.interpolate!(input.spec, { inPath: input.inPath!, outPath: input.outPath, fps: 24 }, bctx);
  else await gradioBackend.music!(input.spec, { description: input.prompt, durationSec: 1, seed: 7, outPath: input.outPath }, bctx);
  return { attempt: ctx.info.attempt };
}

export async function startGradioTemporal(): Promise<GradioTemporal> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtv-gradio-temporal-'));
  let server: DevServer | undefined;
  let connection: Connection | undefined;
  let native: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const stop = async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => {});
    await native?.close();
    await connection?.close();
    await server?.stop();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  };
  try {
    server = await startDevServer({ dbFile: path.join(tmpDir, 'temporal.db') });
    connection = await Connection.connect({ address: server.address });
    native = await NativeConnection.connect({ address: server.address });
    const taskQueue = `gradio-${randomUUID()}`;
    worker = await Worker.create({
      connection: native, taskQueue, workflowsPath, activities: { gradioStep },
      shutdownGraceTime: '5s',
    });
    running = worker.run();
    const client = new Client({ connection });
    let n = 0;
    const start = async (input: Omit<GradioStepInput, 'outPath'> & { outPath?: string }, workflowId = `gradio-step-${++n}-${randomUUID()}`) => {
      const outPath = input.outPath ?? path.join(tmpDir, `${workflowId}.out`);
      await client.workflow.start('gradioStepWorkflow', { taskQueue, workflowId, args: [{ ...input, outPath }] });
      return { workflowId, outPath };
    };
    return {
      client, tmpDir, taskQueue, start, stop,
      async run(input, workflowId) {
        const s = await start(input, workflowId);
        const r = await client.workflow.getHandle(s.workflowId).result() as { attempt: number };
        return { ...r, outPath: s.outPath };
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The failure at the bottom of a failed workflow (the activity's ApplicationFailure). */
export function rootFailure(err: unknown): { message: string; type?: string; nonRetryable?: boolean; retryState?: string } {
  const activity: any = err instanceof WorkflowFailedError ? err.cause : err;
  let e: any = activity;
  while (e?.cause) e = e.cause;
  const retryState = activity?.retryState === undefined ? undefined : String(activity.retryState);
  return { message: String(e?.message ?? e), type: e?.type, nonRetryable: e?.nonRetryable, retryState };
}
