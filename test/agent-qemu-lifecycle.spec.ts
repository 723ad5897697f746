import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationFailed } from '@federa/contracts';
import { eventually, itWhen } from '@federa/testing';
import type { InstanceSpec } from '../services/agent/src/layers/layer-driver';
import { QemuDriver } from '../services/agent/src/layers/qemu/qemu-driver';

// Booting VMs and spawning virsh is slow on a loaded 2-core machine; the default 5 s is not enough.
jest.setTimeout(60_000);

const missing = spawnSync('qemu-system-x86_64', ['--version']).error
  ? 'qemu-system-x86_64 is not installed'
  : undefined;

function vmSpec(
  instance: string,
  dataDir: string,
  artifact: Record<string, unknown> = {},
): InstanceSpec {
  return {
    instance,
    service: 'svc',
    app: 'vm',
    artifact: { memoryMiB: 64, ...artifact },
    resources: { cpuMillis: 500, memoryBytes: 64 * 2 ** 20, storageBytes: 0, bandwidthBps: 0 },
    dataDir,
  };
}

describe('qemu layer: life cycle of a disk-less VM', () => {
  let root: string;
  const pids = new Set<number>();
  const drivers: QemuDriver[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'federa-qemu-life-'));
  });

  afterAll(async () => {
    for (const driver of drivers) driver.release();
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(root, { recursive: true, force: true });
  });

  itWhen(missing)('boots, pauses, resumes and stops a firmware-only VM', async () => {
    const driver = new QemuDriver({ stopGraceMs: 200, guestAgentTimeoutMs: 300 });
    drivers.push(driver);
    const choice = await driver.accelerator();
    process.stdout.write(`qemu accelerator: ${choice.accelerator} (${choice.reason})\n`);

    const spec = vmSpec('life-1', join(root, 'life-1'));
    const started = await driver.start(spec);
    pids.add(started.handle.pid as number);
    expect(started.state).toBe('running');
    expect(started.handle).toMatchObject({ accelerator: choice.accelerator, memoryMiB: 64 });

    const again = await driver.start(spec);
    expect(again.handle.pid).toBe(started.handle.pid);

    await driver.pause('life-1');
    expect((await driver.status('life-1')).state).toBe('paused');
    await driver.resume('life-1');
    expect((await driver.status('life-1')).state).toBe('running');

    const probe = await driver.probe('life-1');
    expect(probe).toEqual({ healthy: true, detail: 'no guest agent' });

    const usage = await driver.usage('life-1');
    expect(usage.memoryBytes).toBeGreaterThan(0);
    expect(usage.storageBytes).toBe(0);

    await driver.stop('life-1', { graceMs: 100 });
    expect((await driver.status('life-1')).state).toBe('stopped');
    expect(processRuns(started.handle.pid as number)).toBe(false);
    await driver.destroy('life-1');
    expect((await driver.status('life-1')).state).toBe('unknown');
  });

  itWhen(missing)('adopts a VM that kept running while its agent restarted', async () => {
    const first = new QemuDriver({ stopGraceMs: 100 });
    drivers.push(first);
    const spec = vmSpec('adopt-1', join(root, 'adopt-1'));
    const started = await first.start(spec);
    pids.add(started.handle.pid as number);
    first.release(); // the agent exits; its VM does not

    const restarted = new QemuDriver({ stopGraceMs: 100 });
    drivers.push(restarted);
    expect(await restarted.adopt(spec, started.handle)).toBe(true);
    const status = await restarted.status('adopt-1');
    expect(status.state).toBe('running');
    expect(status.handle.pid).toBe(started.handle.pid);

    await restarted.pause('adopt-1');
    expect((await restarted.status('adopt-1')).state).toBe('paused');
    await restarted.stop('adopt-1', { graceMs: 0 });
    expect(processRuns(started.handle.pid as number)).toBe(false);
    expect(await new QemuDriver().adopt(spec, started.handle)).toBe(false);
  });

  itWhen(missing)('reports a VM that died behind its back as failed', async () => {
    const driver = new QemuDriver();
    drivers.push(driver);
    const started = await driver.start(vmSpec('crash-1', join(root, 'crash-1')));
    pids.add(started.handle.pid as number);
    process.kill(started.handle.pid as number, 'SIGKILL');
    await eventually(async () => (await driver.status('crash-1')).state === 'failed');
  });

  it('rejects a malformed artifact naming the field, and starts nothing', async () => {
    const driver = new QemuDriver();
    const dataDir = join(root, 'bad-1');
    const attempt = driver.start(vmSpec('bad-1', dataDir, { memoryMiB: 'lots', diskSize: '1GB' }));
    await expect(attempt).rejects.toThrow(ValidationFailed);
    await expect(attempt).rejects.toThrow(
      /artifact\.memoryMiB.*artifact\.diskSize|artifact\.diskSize.*artifact\.memoryMiB/,
    );
    expect((await driver.status('bad-1')).state).toBe('unknown');
  });
});

function processRuns(pid: number): boolean {
  const stat = spawnSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' });
  if (stat.status !== 0) return false;
  return !/\) [ZX] /.test(stat.stdout);
}
