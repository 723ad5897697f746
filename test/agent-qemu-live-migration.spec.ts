import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { itWhen } from '@federa/testing';
import { QemuDriver } from '../services/agent/src/layers/qemu/qemu-driver';
import { processRuns, qemuIo, qemuMissing, useQemuScratch, vmSpec } from './agent-qemu-harness';

// Booting VMs and spawning virsh is slow on a loaded 2-core machine; the default 5 s is not enough.
jest.setTimeout(60_000);

const missing = qemuMissing(true);

describe('qemu layer: live migration between two agents on one machine', () => {
  const scratch = useQemuScratch('federa-qemu-live-');
  const { pids, drivers } = scratch;

  itWhen(missing)(
    'moves a running VM to the other agent, which runs it while the source quits',
    async () => {
      const source = new QemuDriver({ stopGraceMs: 100 });
      const target = new QemuDriver({ stopGraceMs: 100 });
      drivers.push(source, target);
      process.stdout.write(`qemu accelerator: ${(await source.accelerator()).accelerator}\n`);

      const onSource = await source.start(
        vmSpec('live-1', join(scratch.root, 'agent-a', 'live-1')),
      );
      pids.add(onSource.handle.pid as number);
      expect(onSource.state).toBe('running');

      const { uri } = await target.migrateIn(
        vmSpec('live-1', join(scratch.root, 'agent-b', 'live-1')),
      );
      expect(uri).toMatch(/^tcp:127\.0\.0\.1:\d+$/);
      const waiting = await target.status('live-1');
      pids.add(waiting.handle.pid as number);
      expect(waiting.state).toBe('starting');

      const result = await source.migrateOut('live-1', { host: 'agent-b', uri });
      const resumedAt = await target.resumedAt('live-1', 5_000);
      process.stdout.write(
        `live migration: total ${result.totalMs} ms, downtime ${result.downtimeMs} ms ` +
          `(qemu: ${result.qemuTotalMs}/${result.qemuDowntimeMs}; STOP→RESUME ${resumedAt! - result.stoppedAtMs} ms)\n`,
      );
      expect(Number.isFinite(result.totalMs)).toBe(true);
      expect(Number.isFinite(result.downtimeMs)).toBe(true);
      expect(result.totalMs).toBeGreaterThanOrEqual(result.downtimeMs);
      expect(resumedAt).toBeGreaterThanOrEqual(result.stoppedAtMs);

      const onTarget = await target.status('live-1');
      expect(onTarget.state).toBe('running');
      expect(onTarget.handle.pid).not.toBe(onSource.handle.pid);
      expect(await source.status('live-1')).toMatchObject({
        state: 'stopped',
        detail: 'migrated to agent-b',
      });
      expect(processRuns(onSource.handle.pid as number)).toBe(false);

      await target.stop('live-1', { graceMs: 0 });
      expect(processRuns(onTarget.handle.pid as number)).toBe(false);
    },
  );

  itWhen(missing)('copies the disk along with the memory when the VM has one', async () => {
    const source = new QemuDriver({ stopGraceMs: 0 });
    const target = new QemuDriver({ stopGraceMs: 0 });
    drivers.push(source, target);
    const artifact = { diskSize: '32Mi' };
    // The source agent already holds this instance's disk, with data on it.
    const sourceDir = join(scratch.root, 'agent-a', 'live-3');
    await mkdir(sourceDir, { recursive: true });
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(sourceDir, 'disk.qcow2'), '32M']);
    qemuIo(join(sourceDir, 'disk.qcow2'), 'write -P 0x5a 4M 64k');
    const started = await source.start(vmSpec('live-3', sourceDir, artifact));
    pids.add(started.handle.pid as number);
    const { uri } = await target.migrateIn(
      vmSpec('live-3', join(scratch.root, 'agent-b', 'live-3'), artifact),
    );
    pids.add((await target.status('live-3')).handle.pid as number);

    await source.migrateOut('live-3', { host: 'agent-b', uri });
    // The source is done when its side completes; the target runs once it has resumed the guest.
    expect(await target.resumedAt('live-3', 5_000)).toBeDefined();
    const onTarget = await target.status('live-3');
    expect(onTarget.state).toBe('running');
    expect(onTarget.handle.diskPath).toBe(join(scratch.root, 'agent-b', 'live-3', 'disk.qcow2'));
    await target.stop('live-3');
    qemuIo(onTarget.handle.diskPath as string, 'read -P 0x5a 4M 64k');
  });

  itWhen(missing)(
    'keeps the VM running on the source when the target is not listening',
    async () => {
      const source = new QemuDriver();
      drivers.push(source);
      const started = await source.start(vmSpec('live-2', join(scratch.root, 'agent-a', 'live-2')));
      pids.add(started.handle.pid as number);

      const nobody = 'tcp:127.0.0.1:9'; // discard port: nothing listens there
      await expect(source.migrateOut('live-2', { host: 'nowhere', uri: nobody })).rejects.toThrow(
        /live migration of live-2 to nowhere failed/,
      );
      expect((await source.status('live-2')).state).toBe('running');
      await source.stop('live-2', { graceMs: 0 });
    },
  );
});
