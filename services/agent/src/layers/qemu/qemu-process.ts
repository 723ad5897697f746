import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * Starts QEMU detached in its own process group, its output appended to `logPath`, so that
 * the VM outlives an agent restart. Answers the pid.
 */
export function spawnDetachedQemu(binary: string, args: string[], logPath: string): number {
  const log = openSync(logPath, 'a');
  try {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', log, log] });
    // An exec failure surfaces as an async error event; the caller notices through QMP instead.
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) throw new Error(`cannot spawn ${binary}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** True while `pid` runs (a zombie counts as gone). */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** True when `pid` is a live QEMU whose command line holds `marker` (guards against pid reuse). */
export async function isQemuWith(pid: number, marker: string): Promise<boolean> {
  if (!(await isAlive(pid))) return false;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('qemu') && cmdline.includes(marker);
  } catch {
    return false;
  }
}

/** Waits until `pid` has exited; false if it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** SIGKILLs `pid` if it still runs and waits for it to go. */
export async function killAndWait(pid: number): Promise<void> {
  if (!(await isAlive(pid))) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitForExit(pid, 5_000);
}
