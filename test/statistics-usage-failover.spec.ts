import { Subjects } from '@federa/contracts';
import { connectNats } from '@federa/messaging';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { killProcess, spawnStatistics, type StatisticsProcess } from './statistics-process';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

jest.setTimeout(180_000);

// Two statistics replicas: one counts heartbeats; when it dies, the other takes over from the marks
// it left, and no heartbeat is ever counted twice.
describe('usage with two statistics replicas', () => {
  let database: FreshDatabase;
  let pool: Pool;
  let nc: NatsConnection;
  const subjects = new Subjects(uniquePrefix('statfo'));
  const replicas: StatisticsProcess[] = [];
  let seq = 0;
  let stopBeats: NodeJS.Timeout | undefined;

  const counting = (r: StatisticsProcess) => r.output.join('').includes('counting heartbeats');
  const samples = async () =>
    Number(
      (await pool.query('SELECT coalesce(sum(samples), 0) AS n FROM statistics.usage_minutes'))
        .rows[0].n,
    );

  beforeAll(async () => {
    database = await freshDatabase('stats_usage_failover');
    pool = new Pool({ connectionString: database.url, max: 2 });
    nc = await connectNats(natsUrl, 'statistics-usage-failover-test');
    const env = {
      FEDERA_DATABASE_URL: database.url,
      FEDERA_NATS_URL: natsUrl,
      FEDERA_SUBJECT_PREFIX: subjects.prefix,
      FEDERA_STATISTICS_USAGE_FLUSH_MS: '200',
    };
    replicas.push(spawnStatistics(env), spawnStatistics(env));
    await eventually(() => replicas.some(counting), 90_000, 200);
    // One heartbeat every 100 ms, each a new sequence number, then the same one again (a replay).
    stopBeats = setInterval(() => {
      seq++;
      const beat = JSON.stringify({
        host: 'mph-1',
        epoch: 1,
        seq,
        sentAt: Date.now(),
        intervalMs: 100,
        usage: { cpuMillis: 0, memoryBytes: 0, storageBytes: 0, networkBytes: 0 },
        instances: [
          {
            instance: 'shop-web-1',
            state: 'running',
            usage: { cpuMillis: 100, memoryBytes: 1, storageBytes: 1, networkBytes: 0 },
          },
        ],
      });
      nc.publish(subjects.agentHeartbeat('mph-1'), beat);
      nc.publish(subjects.agentHeartbeat('mph-1'), beat);
    }, 100);
  });

  afterAll(async () => {
    if (stopBeats) clearInterval(stopBeats);
    for (const r of replicas) await killProcess(r.child, 'SIGTERM');
    await nc?.close();
    await pool?.end();
    await database?.drop();
  });

  it('goes on counting on the standby when the counting replica dies, never twice', async () => {
    await eventually(async () => (await samples()) >= 10, 30_000);
    const leader = replicas.find(counting)!;
    const standby = replicas.find((r) => r !== leader)!;
    expect(counting(standby)).toBe(false);
    await killProcess(leader.child, 'SIGKILL');
    await eventually(() => counting(standby), 60_000, 200);
    const publishedAtTakeOver = seq;
    const countedBefore = await samples();
    await eventually(async () => (await samples()) >= countedBefore + 10, 30_000);
    const counted = await samples();
    // Every heartbeat was published twice: counted once at most, and the standby counts new ones.
    expect(counted).toBeLessThanOrEqual(seq);
    expect(counted).toBeGreaterThan(countedBefore);
    expect(seq).toBeGreaterThan(publishedAtTakeOver);
  });
});
