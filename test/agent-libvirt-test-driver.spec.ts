import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationFailed } from '@federa/contracts';
import { itWhen } from '@federa/testing';
import {
  LayerCapabilityMissing,
  type InstanceSpec,
} from '../services/agent/src/layers/layer-driver';
import { LibvirtDriver } from '../services/agent/src/layers/libvirt/libvirt-driver';

// Booting VMs and spawning virsh is slow on a loaded 2-core machine; the default 5 s is not enough.
jest.setTimeout(60_000);

const missing = spawnSync('virsh', ['--version']).error
  ? 'virsh (libvirt-clients) is not installed'
  : undefined;

function domainSpec(
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

describe("libvirt layer on libvirt's test driver", () => {
  let root: string;
  const drivers: LibvirtDriver[] = [];
  const testDriver = () => {
    const driver = new LibvirtDriver({ uri: 'test:///default', stopGraceMs: 500 });
    drivers.push(driver);
    return driver;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'federa-libvirt-'));
  });

  afterAll(async () => {
    for (const driver of drivers) driver.close();
    await rm(root, { recursive: true, force: true });
  });

  itWhen(missing)('defines and starts a domain, stops it, then destroys it', async () => {
    const driver = testDriver();
    const spec = domainSpec('web-1', join(root, 'web-1'));
    const started = await driver.start(spec);
    expect(started).toEqual({
      state: 'running',
      handle: { domain: 'web-1', uri: 'test:///default' },
      detail: 'running',
    });
    expect(await driver.start(spec)).toEqual(started);
    expect(await driver.probe('web-1')).toEqual({ healthy: true, detail: 'running' });
    expect((await driver.usage('web-1')).memoryBytes).toBe(64 * 2 ** 20);

    await driver.stop('web-1');
    expect(await driver.status('web-1')).toMatchObject({ state: 'stopped', detail: 'shut off' });
    expect((await driver.probe('web-1')).healthy).toBe(false);

    expect((await driver.start(spec)).state).toBe('running');
    await driver.destroy('web-1');
    expect((await driver.status('web-1')).state).toBe('unknown');
  });

  itWhen(missing)('adopts a domain by name, and not one that does not exist', async () => {
    const driver = testDriver();
    const spec = domainSpec('adopt-1', join(root, 'adopt-1'));
    const { handle } = await driver.start(spec);
    expect(await driver.adopt(spec, handle)).toBe(true);
    expect(await driver.adopt(domainSpec('ghost', join(root, 'ghost')), { domain: 'ghost' })).toBe(
      false,
    );
    await driver.destroy('adopt-1');
  });

  itWhen(missing)(
    'exports a domain with save and imports it on another agent with restore',
    async () => {
      // Two drivers hold two virsh connections: two separate test-driver hosts.
      const source = testDriver();
      const target = testDriver();
      const sourceSpec = domainSpec('db-1', join(root, 'agent-a', 'db-1'), { vcpus: 2 });
      await source.start(sourceSpec);

      const data = await source.exportData('db-1');
      expect((await source.status('db-1')).state).not.toBe('running');
      expect((await target.status('db-1')).state).toBe('unknown');

      const targetSpec = domainSpec('db-1', join(root, 'agent-b', 'db-1'), { vcpus: 2 });
      await target.importData(targetSpec, data);
      expect((await target.status('db-1')).state).toBe('running');
      expect(await target.start(targetSpec)).toMatchObject({ state: 'running' });
      await expect(target.importData(targetSpec, await source.exportData('db-1'))).rejects.toThrow(
        /runs here: stop it before importing/,
      );

      await target.destroy('db-1');
      expect(existsSync(join(targetSpec.dataDir, 'domain.save'))).toBe(false);
      expect((await target.status('db-1')).state).toBe('unknown');
    },
  );

  itWhen(missing)('refuses live migration with a capability error', async () => {
    const driver = testDriver();
    const spec = domainSpec('mig-1', join(root, 'mig-1'));
    await driver.start(spec);
    await expect(driver.migrateOut('mig-1', { host: 'b', uri: 'test:///default' })).rejects.toThrow(
      LayerCapabilityMissing,
    );
    await expect(driver.migrateIn(spec)).rejects.toThrow(/does not support migrate/);
    expect((await driver.status('mig-1')).state).toBe('running');
  });

  itWhen(missing)(
    'rejects a malformed artifact naming the field, and defines nothing',
    async () => {
      const driver = testDriver();
      const attempt = driver.start(domainSpec('bad-1', join(root, 'bad-1'), { vcpus: 0, cpus: 2 }));
      await expect(attempt).rejects.toThrow(ValidationFailed);
      await expect(attempt).rejects.toThrow(/artifact\.vcpus: must not be less than 1/);
      await expect(attempt).rejects.toThrow(/artifact\.cpus: unknown key/);
      const wrongName = driver.start(
        domainSpec('bad-2', join(root, 'bad-2'), {
          xml: "<domain type='test'><name>other</name></domain>",
        }),
      );
      await expect(wrongName).rejects.toThrow(
        /artifact\.xml: must name the domain <name>bad-2<\/name>/,
      );
      expect((await driver.status('bad-1')).state).toBe('unknown');
      expect((await driver.status('bad-2')).state).toBe('unknown');
    },
  );
});
