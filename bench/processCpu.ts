// CPU time of one process from /proc/<pid>/stat (user + system), so an on-air figure is the process's
// own cost per second of air, whatever else the machine is doing.
import fs from 'node:fs';

const TICKS_PER_SEC = 100; // USER_HZ on Linux

export function processCpuSec(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_SEC;
  } catch {
    return null;
  }
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
