import { readFile, readlink } from 'node:fs/promises';

/** The fields of /proc/<pid>/stat the process layer needs. */
export interface ProcStat {
  /** R, S, D, Z (zombie), X (dead), ... */
  state: string;
  processGroup: number;
  /** The session's leader: a workload started detached leads a session of its own. */
  session: number;
  /** User + system cpu time in clock ticks. */
  cpuTicks: number;
  /** Start time in clock ticks since boot: with the pid, identifies one process for good. */
  startTime: number;
}

/** Linux's USER_HZ: 100 on every mainstream architecture. */
export const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_SIZE = 4096;

/** /proc/<pid>/stat parsed, or undefined when no such process exists. */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    state: fields[0],
    processGroup: Number(fields[2]),
    session: Number(fields[3]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    startTime: Number(fields[19]),
  };
}

/** Resident memory of a process in bytes (/proc/<pid>/statm), 0 when it is gone. */
export async function readResidentBytes(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/statm`, 'utf8')).split(' ');
    return Number(fields[1]) * PAGE_SIZE;
  } catch {
    return 0;
  }
}

/** Is `pid` the very process that started at `startTime` and still alive (not a zombie)? */
export async function isSameLiveProcess(pid: number, startTime: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  return (
    stat !== undefined && stat.startTime === startTime && stat.state !== 'Z' && stat.state !== 'X'
  );
}

/** The environment a process started with (/proc/<pid>/environ), undefined when it cannot be read. */
export async function readProcEnviron(pid: number): Promise<Buffer | undefined> {
  try {
    return await readFile(`/proc/${pid}/environ`);
  } catch {
    // Gone, or another user's: not a workload this agent started.
    return undefined;
  }
}

/** Where a process's stdout goes (the target of /proc/<pid>/fd/1), undefined when it cannot be read. */
export async function readProcStdout(pid: number): Promise<string | undefined> {
  try {
    return await readlink(`/proc/${pid}/fd/1`);
  } catch {
    // Gone, closed, or another user's.
    return undefined;
  }
}
