import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostLeaseWriter } from './host-lease-writer';

describe('HostLeaseWriter', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'federa-lease-unit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the lease whole as <host>.lease, creating the directory, and leaves no temporary file', async () => {
    const writer = new HostLeaseWriter(join(dir, 'leases'));
    writer.renew({ host: 'h-1', epoch: 3, renewedAt: 1000 });
    await writer.settled();
    writer.renew({ host: 'h-1', epoch: 3, renewedAt: 2000 });
    await writer.settled();
    expect(readdirSync(join(dir, 'leases'))).toEqual(['h-1.lease']);
    expect(JSON.parse(readFileSync(join(dir, 'leases', 'h-1.lease'), 'utf8'))).toEqual({
      host: 'h-1',
      epoch: 3,
      renewedAt: 2000,
    });
  });

  it('skips a renewal of a host whose previous one is still being written', async () => {
    const writer = new HostLeaseWriter(dir);
    writer.renew({ host: 'h-1', epoch: 1, renewedAt: 1 });
    writer.renew({ host: 'h-1', epoch: 1, renewedAt: 2 });
    writer.renew({ host: 'h-2', epoch: 1, renewedAt: 3 });
    await writer.settled();
    expect(JSON.parse(readFileSync(join(dir, 'h-1.lease'), 'utf8')).renewedAt).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'h-2.lease'), 'utf8')).renewedAt).toBe(3);
  });

  it('tells the caller when the lease cannot be written, and writes it once it can', async () => {
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    const writer = new HostLeaseWriter(blocker);
    const errors: Array<Error | undefined> = [];
    writer.renew({ host: 'h-1', epoch: 1, renewedAt: 1 }, (e) => errors.push(e));
    await writer.settled();
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('EEXIST');
    rmSync(blocker);
    writer.renew({ host: 'h-1', epoch: 1, renewedAt: 2 }, (e) => errors.push(e));
    await writer.settled();
    expect(errors[1]).toBeUndefined();
    expect(JSON.parse(readFileSync(join(blocker, 'h-1.lease'), 'utf8')).renewedAt).toBe(2);
  });

  it('writes a lease before returning with renewNow, and throws what the file system refused', () => {
    const writer = new HostLeaseWriter(join(dir, 'sync'));
    writer.renewNow({ host: 'h-9', epoch: 2, renewedAt: 5 });
    expect(JSON.parse(readFileSync(join(dir, 'sync', 'h-9.lease'), 'utf8'))).toEqual({
      host: 'h-9',
      epoch: 2,
      renewedAt: 5,
    });
    writeFileSync(join(dir, 'blocked'), '');
    expect(() =>
      new HostLeaseWriter(join(dir, 'blocked')).renewNow({ host: 'h', epoch: 1, renewedAt: 1 }),
    ).toThrow(/EEXIST/);
  });
});
