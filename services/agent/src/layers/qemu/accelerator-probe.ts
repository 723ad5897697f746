import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuCommandLine, type Accelerator } from './domain/qemu-machine';
import { QmpClient } from './qmp-client';
import { isAlive, killAndWait, spawnDetachedQemu } from './qemu-process';

/** Which accelerator this machine's QEMU can use, and why. */
export interface AcceleratorChoice {
  accelerator: Accelerator;
  reason: string;
}

const settleMs = 300;
const cache = new Map<string, Promise<AcceleratorChoice>>();

/**
 * KVM when /dev/kvm is usable and a throwaway firmware-only VM verifiably runs under it
 * (query-kvm enabled, still running a moment later); TCG otherwise. Probed once per binary.
 */
export function chooseAccelerator(qemuBinary: string): Promise<AcceleratorChoice> {
  let choice = cache.get(qemuBinary);
  if (!choice) {
    choice = probe(qemuBinary);
    cache.set(qemuBinary, choice);
  }
  return choice;
}

async function probe(qemuBinary: string): Promise<AcceleratorChoice> {
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return { accelerator: 'tcg', reason: '/dev/kvm is missing or not accessible' };
  }
  const dir = await mkdtemp(join(tmpdir(), 'federa-kvm-probe-'));
  const qmpSocket = join(dir, 'qmp.sock');
  const args = qemuCommandLine({
    name: 'federa-kvm-probe',
    accelerator: 'kvm',
    memoryMiB: 32,
    qmpSocket,
    guestAgentSocket: join(dir, 'qga.sock'),
    pidFile: join(dir, 'qemu.pid'),
  });
  const pid = spawnDetachedQemu(qemuBinary, args, join(dir, 'qemu.log'));
  let qmp: QmpClient | undefined;
  try {
    qmp = await QmpClient.connect(qmpSocket, 5_000);
    const kvm = await qmp.execute<{ enabled: boolean; present: boolean }>('query-kvm');
    if (!kvm.enabled) return { accelerator: 'tcg', reason: 'QEMU reports KVM not enabled' };
    await new Promise((r) => setTimeout(r, settleMs));
    const status = await qmp.execute<{ status: string }>('query-status');
    if (status.status !== 'running' || !(await isAlive(pid))) {
      return { accelerator: 'tcg', reason: `a KVM guest did not keep running (${status.status})` };
    }
    return { accelerator: 'kvm', reason: 'a KVM guest runs' };
  } catch (error) {
    return { accelerator: 'tcg', reason: `KVM unusable: ${(error as Error).message}` };
  } finally {
    qmp?.close();
    await killAndWait(pid);
    await rm(dir, { recursive: true, force: true });
  }
}
