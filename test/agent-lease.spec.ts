import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Subjects, hostLeaseFileName, type HostLease } from '@federa/contracts';
import {
  NatsServerProcess,
  eventually,
  itWhen,
  natsServerBinary,
  uniquePrefix,
} from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Agent, SimFleet } from '../services/agent/src';
import { answerRegistrations, connectTo, hostConfig, repoRoot, tempDir } from './agent-harness';

const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const encoder = new TextEncoder();

jest.setTimeout(60_000);

function readLease(leaseDir: string, host: string): HostLease | undefined {
  const path = join(leaseDir, hostLeaseFileName(host));
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as HostLease) : undefined;
}

/** Resolves once the lease of `host` was renewed after `after` (ms since the Unix epoch). */
async function renewedAfter(leaseDir: string, host: string, after: number): Promise<HostLease> {
  return (await eventually(() => {
    const lease = readLease(leaseDir, host);
    return lease && lease.renewedAt > after ? lease : undefined;
  }))!;
}

function silentLogger() {
  const { pino } = require('pino') as typeof import('pino');
  return pino({ level: 'silent' });
}

describe('host agent lease file', () => {
  itWhen(natsServerBinary() ? undefined : 'no nats-server binary on this machine')(
    'renews its lease under its epoch every interval, and goes on while the bus is down',
    async () => {
      const server = await NatsServerProcess.start();
      const prefix = uniquePrefix('lease');
      const dir = tempDir('lease');
      const leaseDir = join(dir, 'leases');
      let nc: NatsConnection | undefined;
      let agent: Agent | undefined;
      try {
        nc = await connectTo(server.url);
        answerRegistrations(nc, new Subjects(prefix), 7);
        agent = await Agent.start({
          config: hostConfig('lease-1'),
          dataDir: join(dir, 'data'),
          natsUrl: server.url,
          subjectPrefix: prefix,
          heartbeatMs: 100,
          cwd: repoRoot,
          leaseDir,
          logger: silentLogger(),
        });
        await agent.whenRegistered();
        const first = await renewedAfter(leaseDir, 'lease-1', 0);
        expect(first).toEqual({ host: 'lease-1', epoch: 7, renewedAt: expect.any(Number) });
        await renewedAfter(leaseDir, 'lease-1', first.renewedAt);

        await server.stop();
        const cutAt = Date.now();
        expect(await renewedAfter(leaseDir, 'lease-1', cutAt + 300)).toMatchObject({ epoch: 7 });
        await server.restart();
      } finally {
        await agent?.stop();
        await nc?.close().catch(() => undefined);
        await server.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('renews the leases of simulated hosts only when asked, a partitioned one included, a killed one not', async () => {
    const prefix = uniquePrefix('simlease');
    const subjects = new Subjects(prefix);
    const dir = tempDir('simlease');
    const nc = await connectTo(NATS_URL);
    answerRegistrations(nc, subjects);
    const start = (host: string, leaseDir?: string) =>
      SimFleet.start({
        config: hostConfig(host, ['sim']),
        count: 3,
        natsUrl: NATS_URL,
        subjectPrefix: prefix,
        heartbeatMs: 100,
        slots: 5,
        logger: silentLogger(),
        ...(leaseDir ? { leaseDir } : {}),
      });
    const withLeases = await start('leased', dir);
    const without = await start('unleased');
    try {
      await Promise.all([withLeases.registered, without.registered]);
      for (const id of withLeases.hosts.keys()) await renewedAfter(dir, id, 0);
      const inject = (host: string, fault: string) =>
        nc.request(subjects.simInject(host), encoder.encode(JSON.stringify({ fault })), {
          timeout: 2000,
        });
      await inject('leased-0001', 'partition');
      await inject('leased-0002', 'kill');
      const killedAt = Date.now();
      const after = Date.now() + 200;
      await renewedAfter(dir, 'leased-0001', after);
      await renewedAfter(dir, 'leased-0003', after);
      expect(readLease(dir, 'leased-0002')!.renewedAt).toBeLessThanOrEqual(killedAt);
      expect([...without.hosts.keys()].some((id) => readLease(dir, id))).toBe(false);
    } finally {
      await withLeases.stop();
      await without.stop();
      await nc.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
