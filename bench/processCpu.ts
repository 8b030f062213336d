// CPU time of one process from /proc/<pid>/stat (user + system), so an on-air figure is the process's
// own cost per second of air, whatever else the machine is doing.
import fs from 'node:fs';

const TICKS_PER_SEC = 100; // USER_HZ on Linux

export function processCpuSec(pid: number): number | null {
  return readStat(pid)?.own ?? null;
}

/** The on-air ffmpeg of a channel, from the pid file the on-air activity writes (airPaths().pidFile). */
export function onAirPid(pidFile: string): number | null {
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Share of one core the process used over `seconds` of wall time (= of air: it runs at real time). */
export async function cpuShare(pid: number, seconds: number): Promise<number | null> {
  const c0 = processCpuSec(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const c1 = processCpuSec(pid);
  if (c0 === null || c1 === null) return null;
  return (c1 - c0) / ((performance.now() - t0) / 1000);
}

interface ProcStat { pid: number; comm: string; ppid: number; own: number; reaped: number }

export function readStat(pid: number): ProcStat | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[1] is ppid; utime, stime, cutime, cstime are fields[11..14].
    return { pid, comm, ppid: Number(f[1]), own: (Number(f[11]) + Number(f[12])) / TICKS_PER_SEC, reaped: (Number(f[13]) + Number(f[14])) / TICKS_PER_SEC };
  } catch {
    return null;
  }
}

/** A process and all its descendants now, by pid. */
export function processTree(root: number): Map<number, ProcStat> {
  const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => readStat(Number(d))).filter((s): s is ProcStat => s !== null);
  const tree = new Map<number, ProcStat>();
  const rootStat = all.find((s) => s.pid === root);
  if (!rootStat) return tree;
  tree.set(root, rootStat);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of all) if (!tree.has(s.pid) && tree.has(s.ppid)) { tree.set(s.pid, s); grew = true; }
  }
  return tree;
}

/**
 * CPU seconds spent between two snapshots of a process tree, by kind: each long-lived process's own time
 * (by its command name), and under "short-lived children" what its processes reaped meanwhile (the ffmpeg
 * and ffprobe runs that came and went between the snapshots).
 */
export function treeCpuBetween(before: Map<number, ProcStat>, after: Map<number, ProcStat>): Map<string, number> {
  const out = new Map<string, number>();
  const add = (k: string, v: number) => out.set(k, (out.get(k) ?? 0) + v);
  for (const [pid, a] of after) {
    const b = before.get(pid);
    add(a.comm, a.own - (b?.own ?? 0));
    add('short-lived children', a.reaped - (b?.reaped ?? 0));
  }
  return out;
}

/** Busy CPU seconds of the whole machine (all cores) so far, from /proc/stat. */
export function machineBusySec(): number {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
  return (cpu.reduce((a, b) => a + b, 0) - cpu[3] - cpu[4]) / TICKS_PER_SEC;
}
