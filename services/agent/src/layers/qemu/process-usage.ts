import { readFile } from 'node:fs/promises';

/** CPU time and resident memory of one process, read from /proc. */
export interface ProcessSample {
  cpuMs: number;
  rssBytes: number;
  /** When the sample was taken, in ms since boot (same clock as the process start time). */
  atMs: number;
  startedAtMs: number;
}

const clockTicksPerSecond = 100; // USER_HZ: 100 on every Linux architecture Node supports

/** Reads /proc/<pid>/stat and status; throws if the process is gone. */
export async function sampleProcess(pid: number): Promise<ProcessSample> {
  const [stat, status, uptime] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8'),
    readFile(`/proc/${pid}/status`, 'utf8'),
    readFile('/proc/uptime', 'utf8'),
  ]);
  // Fields after the parenthesised command name; comm may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const starttime = Number(fields[19]);
  const rssKiB = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
  return {
    cpuMs: ((utime + stime) * 1000) / clockTicksPerSecond,
    rssBytes: rssKiB * 1024,
    atMs: Number(uptime.split(' ')[0]) * 1000,
    startedAtMs: (starttime * 1000) / clockTicksPerSecond,
  };
}

/** CPU use in millicores between two samples, or since the process started when there is no previous one. */
export function cpuMillicores(current: ProcessSample, previous?: ProcessSample): number {
  const fromCpu = previous?.cpuMs ?? 0;
  const fromAt = previous?.atMs ?? current.startedAtMs;
  const wallMs = current.atMs - fromAt;
  if (wallMs <= 0) return 0;
  return Math.max(0, Math.round(((current.cpuMs - fromCpu) / wallMs) * 1000));
}
