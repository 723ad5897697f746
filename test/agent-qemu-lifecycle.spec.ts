import { join } from 'node:path';
import { ValidationFailed } from '@federa/contracts';
import { eventually, itWhen } from '@federa/testing';
import { QemuDriver } from '../services/agent/src/layers/qemu/qemu-driver';
import { processRuns, qemuMissing, useQemuScratch, vmSpec } from './agent-qemu-harness';

// Booting VMs and spawning virsh is slow on a loaded 2-core machine; the default 5 s is not enough.
jest.setTimeout(60_000);

const missing = qemuMissing();

describe('qemu layer: life cycle of a disk-less VM', () => {
  const scratch = useQemuScratch('federa-qemu-life-');
  const { pids, drivers } = scratch;

  itWhen(missing)('boots, pauses, resumes and stops a firmware-only VM', async () => {
    const driver = new QemuDriver({ stopGraceMs: 200, guestAgentTimeoutMs: 300 });
    drivers.push(driver);
    const choice = await driver.accelerator();
    process.stdout.write(`qemu accelerator: ${choice.accelerator} (${choice.reason})\n`);

    const spec = vmSpec('life-1', join(scratch.root, 'life-1'));
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
    const spec = vmSpec('adopt-1', join(scratch.root, 'adopt-1'));
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
    const started = await driver.start(vmSpec('crash-1', join(scratch.root, 'crash-1')));
    pids.add(started.handle.pid as number);
    process.kill(started.handle.pid as number, 'SIGKILL');
    // Generous: under a full suite the emulator's exit reaches the driver late.
    await eventually(async () => (await driver.status('crash-1')).state === 'failed', 60_000, 100);
  });

  it('rejects a malformed artifact naming the field, and starts nothing', async () => {
    const driver = new QemuDriver();
    const dataDir = join(scratch.root, 'bad-1');
    const attempt = driver.start(vmSpec('bad-1', dataDir, { memoryMiB: 'lots', diskSize: '1GB' }));
    await expect(attempt).rejects.toThrow(ValidationFailed);
    await expect(attempt).rejects.toThrow(
      /artifact\.memoryMiB.*artifact\.diskSize|artifact\.diskSize.*artifact\.memoryMiB/,
    );
    expect((await driver.status('bad-1')).state).toBe('unknown');
  });
});
