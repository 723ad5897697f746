import { Subjects } from '@federa/contracts';
import { connectNats } from '@federa/messaging';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { loadStatisticsConfig } from '../services/statistics/src';
import { setupStatisticsSchema } from '../services/statistics/src/infrastructure/statistics-schema';
import { HeartbeatUsageListener } from '../services/statistics/src/usage/api/heartbeat-usage.listener';
import { MinuteAccumulator } from '../services/statistics/src/usage/domain/minute-accumulator';
import {
  takeUsageTerm,
  writeUsageBatch,
} from '../services/statistics/src/usage/infrastructure/minute-writer';
import { loadUsageConfig } from '../services/statistics/src/usage/usage-config';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

jest.setTimeout(120_000);

// Two counting replicas alive at once (a leader whose lease session broke, and the one that took
// over), a COMMIT reported failed that succeeded, and figures no machine reports: each heartbeat
// is stored once, and nothing one host sends stops the others' usage being written.
describe('usage intake when leadership overlaps or a heartbeat is absurd', () => {
  let database: FreshDatabase;
  let pool: Pool;
  let nc: NatsConnection;
  const subjects = new Subjects(uniquePrefix('statov'));
  const listeners: HeartbeatUsageListener[] = [];

  const listener = () => {
    const env = {
      FEDERA_DATABASE_URL: database.url,
      FEDERA_NATS_URL: natsUrl,
      FEDERA_SUBJECT_PREFIX: subjects.prefix,
      // Flushed by the test only.
      FEDERA_STATISTICS_USAGE_FLUSH_MS: '3600000',
    };
    const created = new HeartbeatUsageListener(
      pool,
      loadStatisticsConfig(env),
      loadUsageConfig(env),
    );
    listeners.push(created);
    return created;
  };
  const beat = (host: string, seq: number, networkBytes = 0) => ({
    host,
    epoch: 1,
    seq,
    sentAt: Date.now(),
    intervalMs: 1000,
    instances: [
      {
        instance: `${host}-web-1`,
        state: 'running',
        usage: { cpuMillis: 1000, memoryBytes: 0, storageBytes: 0, networkBytes },
      },
    ],
  });
  const publish = (body: ReturnType<typeof beat>) =>
    nc.publish(subjects.agentHeartbeat(body.host), JSON.stringify(body));
  const samplesOf = async (host: string) =>
    Number(
      (
        await pool.query(
          'SELECT coalesce(sum(samples), 0) AS n FROM statistics.usage_minutes WHERE host = $1',
          [host],
        )
      ).rows[0].n,
    );

  beforeAll(async () => {
    database = await freshDatabase('stats_usage_overlap');
    pool = new Pool({ connectionString: database.url, max: 4 });
    await setupStatisticsSchema(pool);
    nc = await connectNats(natsUrl, 'statistics-usage-overlap-test');
  });

  afterAll(async () => {
    for (const l of listeners) {
      await l.stop(false);
      await l.close();
    }
    await nc?.close();
    await pool?.end();
    await database?.drop();
  });

  it('stores each heartbeat once while a deposed leader and its successor both take them', async () => {
    const deposed = listener();
    await deposed.start();
    for (let seq = 1; seq <= 5; seq++) publish(beat('mph-1', seq));
    await eventually(() => deposed.counts.counted === 5, 30_000);
    await deposed.flush();
    expect(await samplesOf('mph-1')).toBe(5);

    const successor = listener();
    await successor.start();
    // Both replicas subscribed: each of these reaches both.
    for (let seq = 6; seq <= 10; seq++) publish(beat('mph-1', seq));
    await eventually(() => deposed.counts.counted === 10 && successor.counts.counted === 5, 30_000);
    await deposed.flush();
    await successor.flush();
    expect(await samplesOf('mph-1')).toBe(10);
    expect(deposed.counts.dropped).toBe(5);
    expect(successor.counts.dropped).toBe(0);
  });

  it('adds nothing when a batch whose COMMIT succeeded is written again', async () => {
    const term = await takeUsageTerm(pool);
    const accumulator = new MinuteAccumulator();
    accumulator.add({
      host: 'mph-2',
      epoch: 1,
      seq: 1,
      sentAt: Date.now(),
      intervalMs: 1000,
      samples: [
        {
          instance: 'mph-2-web-1',
          cpuMillis: 1000,
          memoryBytes: 0,
          storageBytes: 0,
          networkInBytes: 0,
          networkOutBytes: 0,
          load: undefined,
        },
      ],
    });
    const batch = accumulator.take();
    expect(await writeUsageBatch(pool, batch, term)).toBe(1);
    expect(await writeUsageBatch(pool, batch, term)).toBe(0);
    expect(await samplesOf('mph-2')).toBe(1);
  });

  it('refuses a heartbeat with a figure no machine reports and goes on storing every other host', async () => {
    const counting = listener();
    await counting.start();
    publish(beat('mph-3', 1, 1e21));
    publish(beat('mph-4', 1, 1000));
    await eventually(
      () => counting.counts.malformed === 1 && counting.counts.counted === 1,
      30_000,
    );
    await counting.flush();
    expect(await samplesOf('mph-3')).toBe(0);
    expect(await samplesOf('mph-4')).toBe(1);
    expect(counting.counts.dropped).toBe(0);
  });

  it('keeps byte counts past what bigint holds at its edge instead of failing the flush', async () => {
    const term = await takeUsageTerm(pool);
    const row = {
      instance: 'mph-5-web-1',
      minute: Date.now() - (Date.now() % 60_000),
      host: 'mph-5',
      cpuSeconds: 1,
      memoryGibMinutes: 0,
      storageGibHours: 0,
      networkInBytes: 1e21,
      networkOutBytes: 5e18,
      loadSum: 0,
      loadSamples: 0,
      samples: 1,
    };
    for (const seq of [1, 2]) {
      const batch = {
        minutes: [{ ...row }],
        marks: [{ host: 'mph-5', epoch: 1, seq, heartbeats: 1 }],
        heartbeats: 1,
      };
      expect(await writeUsageBatch(pool, batch, term)).toBe(1);
    }
    const { rows } = await pool.query(
      `SELECT network_in_bytes::text AS "in", network_out_bytes::text AS out, samples
       FROM statistics.usage_minutes WHERE host = 'mph-5'`,
    );
    expect(rows).toEqual([{ in: '9000000000000000000', out: '9000000000000000000', samples: 2 }]);
  });
});
