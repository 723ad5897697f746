import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { itWhen } from '@federa/testing';
import { QemuDriver } from '../services/agent/src/layers/qemu/qemu-driver';
import { qemuIo, qemuMissing, useQemuScratch, vmSpec } from './agent-qemu-harness';

// Booting VMs and spawning virsh is slow on a loaded 2-core machine; the default 5 s is not enough.
jest.setTimeout(60_000);

const missing = qemuMissing(true);
/** The VMs of these tests ask for a 1 GiB disk's worth of storage. */
const storageBytes = 2 ** 30;

describe('qemu layer: cold export and import of a qcow2 disk', () => {
  const scratch = useQemuScratch('federa-qemu-disk-');
  const { pids, drivers } = scratch;
  let baseImage: string;

  beforeAll(() => {
    baseImage = join(scratch.root, 'base.qcow2');
    if (!missing) {
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', baseImage, '64M']);
      qemuIo(baseImage, 'write -P 0x11 0 64k');
    }
  });

  itWhen(missing)(
    'moves a stopped VM disk to another agent that boots it with the same data',
    async () => {
      const source = new QemuDriver({ stopGraceMs: 0 });
      const target = new QemuDriver({ stopGraceMs: 0 });
      drivers.push(source, target);
      const artifact = { image: baseImage, diskSize: '128Mi' };
      const sourceSpec = vmSpec(
        'disk-1',
        join(scratch.root, 'agent-a', 'disk-1'),
        artifact,
        storageBytes,
      );
      const started = await source.start(sourceSpec);
      pids.add(started.handle.pid as number);
      const overlay = started.handle.diskPath as string;
      expect(overlay).toBe(join(sourceSpec.dataDir, 'disk.qcow2'));
      expect((await source.usage('disk-1')).storageBytes).toBeGreaterThan(0);

      await expect(source.exportData('disk-1')).rejects.toThrow(/stop it before a cold export/);
      await source.stop('disk-1');
      // What the guest wrote lives in the overlay, on top of the base image's data.
      qemuIo(overlay, 'write -P 0x22 1M 64k');

      const targetSpec = vmSpec(
        'disk-1',
        join(scratch.root, 'agent-b', 'disk-1'),
        artifact,
        storageBytes,
      );
      await target.importData(targetSpec, await source.exportData('disk-1'));
      const imported = join(targetSpec.dataDir, 'disk.qcow2');
      const info = JSON.parse(
        execFileSync('qemu-img', ['info', '--output=json', imported], { encoding: 'utf8' }),
      );
      expect(info).toMatchObject({
        format: 'qcow2',
        'virtual-size': 128 * 2 ** 20,
        'backing-filename': baseImage,
      });
      qemuIo(imported, 'read -P 0x11 0 64k');
      qemuIo(imported, 'read -P 0x22 1M 64k');

      const onTarget = await target.start(targetSpec);
      pids.add(onTarget.handle.pid as number);
      expect(onTarget).toMatchObject({ state: 'running', handle: { diskPath: imported } });
      await target.stop('disk-1');

      await source.destroy('disk-1');
      expect(existsSync(overlay)).toBe(false);
    },
  );

  itWhen(missing)('refuses data that is not a qcow2 image and leaves no disk behind', async () => {
    const target = new QemuDriver();
    const spec = vmSpec(
      'disk-2',
      join(scratch.root, 'agent-b', 'disk-2'),
      { diskSize: '16Mi' },
      storageBytes,
    );
    const { Readable } = await import('node:stream');
    await expect(
      target.importData(spec, Readable.from([Buffer.from('not a disk image')])),
    ).rejects.toThrow(/not qcow2/);
    expect(existsSync(join(spec.dataDir, 'disk.qcow2'))).toBe(false);
  });

  itWhen(missing)(
    'exports nothing for a disk-less VM, and importing nothing leaves it disk-less',
    async () => {
      const source = new QemuDriver({ stopGraceMs: 0 });
      const target = new QemuDriver({ stopGraceMs: 0 });
      drivers.push(source, target);
      const started = await source.start(
        vmSpec('disk-3', join(scratch.root, 'agent-a', 'disk-3'), {}, storageBytes),
      );
      pids.add(started.handle.pid as number);
      await source.stop('disk-3');
      const targetSpec = vmSpec(
        'disk-3',
        join(scratch.root, 'agent-b', 'disk-3'),
        {},
        storageBytes,
      );
      await target.importData(targetSpec, await source.exportData('disk-3'));
      expect(existsSync(join(targetSpec.dataDir, 'disk.qcow2'))).toBe(false);
    },
  );
});
