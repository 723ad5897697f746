import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceSpec } from '../services/agent/src/layers/layer-driver';
import type { QemuDriver } from '../services/agent/src/layers/qemu/qemu-driver';

/** Why the qemu tests cannot run here (for itWhen), or undefined; `utils` also asks for qemu-io/qemu-img. */
export function qemuMissing(utils = false): string | undefined {
  if (spawnSync('qemu-system-x86_64', ['--version']).error) {
    return utils
      ? 'qemu-system-x86_64 or qemu-utils is not installed'
      : 'qemu-system-x86_64 is not installed';
  }
  if (utils && spawnSync('qemu-io', ['--version']).error) {
    return 'qemu-system-x86_64 or qemu-utils is not installed';
  }
  return undefined;
}

/** A 64 MiB VM of service `svc`, app `vm`, with `artifact` over the default one. */
export function vmSpec(
  instance: string,
  dataDir: string,
  artifact: Record<string, unknown> = {},
  storageBytes = 0,
): InstanceSpec {
  return {
    instance,
    service: 'svc',
    app: 'vm',
    artifact: { memoryMiB: 64, ...artifact },
    resources: { cpuMillis: 500, memoryBytes: 64 * 2 ** 20, storageBytes, bandwidthBps: 0 },
    dataDir,
  };
}

/** Runs qemu-io on a qcow2 image; throws when the command fails (a pattern read that does not match fails). */
export function qemuIo(image: string, command: string): string {
  const out = execFileSync('qemu-io', ['-f', 'qcow2', '-c', command, image], { encoding: 'utf8' });
  if (/Pattern verification failed|failed/i.test(out)) throw new Error(out);
  return out;
}

/** Whether a process runs (exists and is neither a zombie nor dead). */
export function processRuns(pid: number): boolean {
  const stat = spawnSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' });
  if (stat.status !== 0) return false;
  return !/\) [ZX] /.test(stat.stdout);
}

/** What a qemu test leaves behind: its drivers to release and its VMs' pids to kill, under one root. */
export interface QemuScratch {
  /** A fresh temporary directory (set in beforeAll). */
  readonly root: string;
  readonly drivers: QemuDriver[];
  readonly pids: Set<number>;
}

/**
 * Registers beforeAll/afterAll in the calling describe: a temporary root, then after the tests every
 * driver released, every VM killed (they outlive their drivers by design) and the root removed.
 */
export function useQemuScratch(prefix: string): QemuScratch {
  let root = '';
  const scratch: QemuScratch = {
    get root() {
      return root;
    },
    drivers: [],
    pids: new Set(),
  };
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    for (const driver of scratch.drivers) driver.release();
    for (const pid of scratch.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(root, { recursive: true, force: true });
  });
  return scratch;
}
