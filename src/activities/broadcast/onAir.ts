// Supervises the on-air ffmpeg: starts it, watches which slot file it has open (the inode among
// /proc/<pid>/fd, quieter than debug logs), reports each slot change, turns -progress into heartbeats,
// and kills it when the activity is cancelled. If ffmpeg exits, the activity fails and Temporal restarts
// it (a retry resumes from the slot that was on air).
import { execa } from 'execa';
import fs from 'node:fs/promises';
import path from 'node:path';
import { redactUrls } from './streamUrl';
import { inodeOf, type AirPaths } from './playlist';

export interface FfmpegProgress {
  frame: number;
  outSec: number;
  speed: string;
}

export interface SupervisedRun {
  pid: number;
  exitCode: number | undefined;
  signal: string | undefined;
  cancelled: boolean;
  stderrTail: string;
}

export interface SuperviseOptions {
  air: AirPaths;
  args: string[];
  signal: AbortSignal;
  /** Called each time ffmpeg opens a different slot file (or a slot with new content). */
  onSlotOpened(slot: number, inode: number): void;
  /** Called about once a second. */
  onTick?(state: { slot: number | null; progress: FfmpegProgress; pid: number }): void;
  pollMs?: number;
}

/** Inodes of the regular files a process has open. */
export async function openInodes(pid: number): Promise<Set<number>> {
  const dir = `/proc/${pid}/fd`;
  const out = new Set<number>();
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.map(async (n) => {
    const st = await fs.stat(path.join(dir, n)).catch(() => null);
    if (st?.isFile()) out.add(st.ino);
  }));
  return out;
}

/** Which slot a process is reading now, by inode; null while it is between files. */
export async function openSlot(pid: number, air: AirPaths, previous: number | null): Promise<{ slot: number; inode: number } | null> {
  const [open, slotInodes] = await Promise.all([openInodes(pid), Promise.all(air.slots.map(inodeOf))]);
  const candidates = slotInodes.flatMap((ino, slot) => (ino !== null && open.has(ino) ? [{ slot, inode: ino }] : []));
  if (candidates.length === 0) return null;
  // Slots sharing an inode cannot be told apart: stay with what was reported (installSlot avoids this).
  if (new Set(candidates.map((c) => c.inode)).size < candidates.length) {
    return candidates.find((c) => c.slot === previous) ?? candidates[0];
  }
  // Two slots open at once only during a join: the new one is the one we did not report before.
  return candidates.find((c) => c.slot !== previous) ?? candidates[0];
}

/** Kills an on-air ffmpeg left behind by a worker that died, so two never publish the same channel. */
export async function killStaleFfmpeg(pidFile: string): Promise<void> {
  const pid = Number(await fs.readFile(pidFile, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.startsWith('ffmpeg') || !cmdline.includes(path.dirname(pidFile))) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && (await fs.stat(`/proc/${pid}`).then(() => true, () => false))) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function superviseFfmpeg(opts: SuperviseOptions): Promise<SupervisedRun> {
  await killStaleFfmpeg(opts.air.pidFile);
  const child = execa('ffmpeg', opts.args, {
    cancelSignal: opts.signal,
    forceKillAfterDelay: 2_000,
    reject: false,
    stdin: 'ignore',
    buffer: false,
  });
  const pid = child.pid!;
  await fs.writeFile(opts.air.pidFile, String(pid));
  const progress: FfmpegProgress = { frame: 0, outSec: 0, speed: '' };
  let pendingOut = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    pendingOut += chunk;
    const lines = pendingOut.split('\n');
    pendingOut = lines.pop() ?? '';
    for (const line of lines) {
      const eq = line.indexOf('=');
      const k = line.slice(0, eq);
      const v = line.slice(eq + 1).trim();
      if (k === 'frame') progress.frame = Number(v);
      else if (k === 'out_time_us' && /^\d+$/.test(v)) progress.outSec = Number(v) / 1e6;
      else if (k === 'speed') progress.speed = v;
    }
  });
  const stderrLines: string[] = [];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderrLines.push(...chunk.split('\n').filter(Boolean));
    if (stderrLines.length > 20) stderrLines.splice(0, stderrLines.length - 20);
  });

  let exited = false;
  const done = child.then((r) => {
    exited = true;
    return r;
  });
  let slot: number | null = null;
  let inode: number | null = null;
  let lastTick = 0;
  const pollMs = opts.pollMs ?? 200;
  while (!exited) {
    await Promise.race([done, new Promise((r) => setTimeout(r, pollMs))]);
    if (exited) break;
    const open = await openSlot(pid, opts.air, slot);
    if (open && (open.slot !== slot || open.inode !== inode)) {
      slot = open.slot;
      inode = open.inode;
      opts.onSlotOpened(open.slot, open.inode);
    }
    if (Date.now() - lastTick >= 1_000) {
      lastTick = Date.now();
      opts.onTick?.({ slot, progress: { ...progress }, pid });
    }
  }
  const r = await done;
  // The pid file is left in place: a newer attempt (after a heartbeat timeout) may have written its own
  // pid between our read and a removal, and removing it then loses the live ffmpeg's pid. A stale file is
  // harmless: killStaleFfmpeg checks the process is an ffmpeg of this air folder before killing it.
  return {
    pid,
    exitCode: r.exitCode,
    signal: r.signal,
    cancelled: r.isCanceled || opts.signal.aborted,
    stderrTail: redactUrls(stderrLines.slice(-6).join(' | ')),
  };
}
