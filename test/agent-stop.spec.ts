import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Subjects, type Usage } from '@federa/contracts';
import { eventually, uniquePrefix } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Agent } from '../services/agent/src';
import {
  answerRegistrations,
  connectTo,
  hostConfig,
  recordBus,
  repoRoot,
  tempDir,
} from './agent-harness';

const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

jest.setTimeout(30_000);

/** A usage source whose samples wait until the test lets them go: a heartbeat held mid-flight. */
class HeldUsage {
  calls = 0;
  private release: Array<() => void> = [];

  sample(): Promise<Usage> {
    this.calls++;
    return new Promise((resolve) =>
      this.release.push(() =>
        resolve({ cpuMillis: 1, memoryBytes: 1, storageBytes: 1, networkBytes: 1 }),
      ),
    );
  }

  releaseAll(): void {
    for (const release of this.release.splice(0)) release();
  }
}

describe('host agent stop', () => {
  const prefix = uniquePrefix('stop');
  const subjects = new Subjects(prefix);
  let nc: NatsConnection;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    nc = await connectTo(NATS_URL);
    answerRegistrations(nc, subjects);
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    await nc.close();
  });

  it('stops in the middle of a heartbeat without an error and sends nothing after it', async () => {
    const dir = tempDir('stop');
    const bus = recordBus(nc, subjects);
    const usage = new HeldUsage();
    const { pino } = require('pino') as typeof import('pino');
    const agent = await Agent.start({
      config: hostConfig('stop-1'),
      dataDir: join(dir, 'data'),
      natsUrl: NATS_URL,
      subjectPrefix: prefix,
      heartbeatMs: 20,
      cwd: repoRoot,
      leaseDir: join(dir, 'leases'),
      usage,
      logger: pino({ level: 'silent' }),
    });
    try {
      await agent.whenRegistered();
      await eventually(() => usage.calls > 0);
      const stopping = agent.stop();
      // Let the held heartbeat go while stop() is under way, then give a late send its chance.
      await new Promise((r) => setTimeout(r, 50));
      usage.releaseAll();
      await stopping;
      await new Promise((r) => setTimeout(r, 100));
      await nc.flush();
      expect(unhandled).toEqual([]);
      expect(bus.heartbeats.filter((h) => h.host === 'stop-1')).toEqual([]);
    } finally {
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops cleanly however often it is stopped while heartbeating', async () => {
    const dir = tempDir('stop-many');
    const { pino } = require('pino') as typeof import('pino');
    try {
      for (let round = 0; round < 5; round++) {
        const agent = await Agent.start({
          config: hostConfig(`stop-many-${round}`),
          dataDir: join(dir, `data-${round}`),
          natsUrl: NATS_URL,
          subjectPrefix: prefix,
          heartbeatMs: 1,
          cwd: repoRoot,
          leaseDir: join(dir, 'leases'),
          logger: pino({ level: 'silent' }),
        });
        await agent.whenRegistered();
        await new Promise((r) => setTimeout(r, 20 + round * 7));
        await agent.stop();
      }
      await new Promise((r) => setTimeout(r, 100));
      expect(unhandled).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
