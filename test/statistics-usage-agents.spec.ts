import { Subjects, type UsageReport } from '@federa/contracts';
import { CommandClient, connectNats } from '@federa/messaging';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { SimFleet } from '../services/agent/src';
import { answerRegistrations, hostConfig, sendCommand } from './agent-harness';
import { killProcess, spawnStatistics, type StatisticsProcess } from './statistics-process';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

jest.setTimeout(120_000);

// Real (simulated) agents heartbeating on real NATS: what the sim layer reports reaches the minutes.
describe('usage from running agents', () => {
  let database: FreshDatabase;
  let pool: Pool;
  let nc: NatsConnection;
  let fleet: SimFleet;
  let statistics: StatisticsProcess;
  const subjects = new Subjects(uniquePrefix('statagt'));

  beforeAll(async () => {
    database = await freshDatabase('stats_usage_agents');
    pool = new Pool({ connectionString: database.url, max: 2 });
    nc = await connectNats(natsUrl, 'statistics-usage-agents-test');
    answerRegistrations(nc, subjects);
    statistics = spawnStatistics({
      FEDERA_DATABASE_URL: database.url,
      FEDERA_NATS_URL: natsUrl,
      FEDERA_SUBJECT_PREFIX: subjects.prefix,
      FEDERA_STATISTICS_USAGE_FLUSH_MS: '200',
    });
    await eventually(() => statistics.output.join('').includes('counting heartbeats'), 60_000, 200);
    const { pino } = require('pino') as typeof import('pino');
    fleet = await SimFleet.start({
      config: hostConfig('usagehost', ['sim']),
      count: 2,
      natsUrl,
      subjectPrefix: subjects.prefix,
      heartbeatMs: 200,
      slots: 4,
      logger: pino({ level: 'silent' }),
    });
    await fleet.registered;
  });

  afterAll(async () => {
    await fleet?.stop();
    if (statistics) await killProcess(statistics.child, 'SIGTERM');
    await nc?.close();
    await pool?.end();
    await database?.drop();
  });

  it("counts a running instance's cpu, memory and network in and out per minute", async () => {
    const reply = await sendCommand(nc, subjects, 'usagehost-0001', {
      commandId: 'usage-start-1',
      epoch: 1,
      type: 'start',
      spec: {
        instance: 'shop-web-1',
        service: 'shop',
        app: 'web',
        layer: 'sim',
        artifact: {},
        env: { SIM_LOAD: '0.5' },
        resources: {
          cpuMillis: 1000,
          memoryBytes: 2 ** 30,
          storageBytes: 2 ** 30,
          bandwidthBps: 80_000_000,
        },
      },
    });
    expect(reply).toMatchObject({ ok: true });
    const client = new CommandClient(nc, subjects, 10_000);
    const line = await eventually(async () => {
      const report = await client.sendCommand<UsageReport>('getUsage', { host: 'usagehost-0001' });
      const found = report.lines.find((l) => l.instance === 'shop-web-1');
      if (!found || found.samples < 5) throw new Error('not yet');
      return found;
    }, 60_000);
    // At load 0.5 of 1 core, 80 Mbit/s: 0.5 cpu-seconds a second, 150 kB/s in and 350 kB/s out.
    expect(line.cpuSeconds / (line.samples * 0.2)).toBeCloseTo(0.5, 5);
    expect(line.networkInBytes / (line.samples * 0.2)).toBeCloseTo(150_000, -1);
    expect(line.networkOutBytes / (line.samples * 0.2)).toBeCloseTo(350_000, -1);
    expect(line.load).toBeCloseTo(0.5, 5);
  });
});
