import { readdirSync, readFileSync } from 'node:fs';

/**
 * The pids of the live QEMU processes running `instance` (QEMU names its guest after the instance:
 * `-name guest=<instance>`), read from the process table rather than from any agent or log.
 */
export function qemuProcessesOf(instance: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!argv[0]?.includes('qemu-system') || !argv.includes(`guest=${instance}`)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue;
      pids.push(Number(entry));
    } catch {
      continue; // ended while the table was read
    }
  }
  return pids;
}
