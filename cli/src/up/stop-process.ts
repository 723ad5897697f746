import type { ChildProcess } from 'node:child_process';

/** Something `federa up` started and must stop on the way out. */
export interface Stoppable {
  name: string;
  /** Stops gracefully, waiting for the exit (and killing after a grace period). */
  stop(): Promise<void>;
  /** Kills at once with SIGKILL (the second Ctrl-C), waiting at most briefly for the exit. */
  forceStop(): void | Promise<void>;
}

/** True while the child has neither exited nor been killed by a signal. */
export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Sends `signal`, waits for the exit, and kills the child outright after `graceMs`. */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  if (await Promise.race([exited.then(() => false), timedOut])) {
    if (!killProcessGroup(child.pid, 'SIGKILL')) child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

/**
 * Sends `signal` to the process group led by `pid` (every child `federa up` starts is detached,
 * so it leads its own group: Postgres's backends and a service's helpers go with it); answers
 * whether the group existed.
 */
export function killProcessGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (!pid) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGKILLs a running child's process group at once (the second Ctrl-C) and resolves once the child
 * has exited (a busy machine takes a moment to end it), or after `waitMs`.
 */
export async function forceStopProcess(child: ChildProcess, waitMs = 2000): Promise<void> {
  const running = isRunning(child);
  // The group too when its leader is gone already: what the leader started may live on.
  const killedGroup = killProcessGroup(child.pid, 'SIGKILL');
  if (!running) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!killedGroup) child.kill('SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    exited,
    new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs))),
  ]);
  clearTimeout(timer);
}
