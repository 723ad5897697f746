import { Subjects, type UsageReport } from '@federa/contracts';
import { PostgresEventStore, type EventStore } from '@federa/eventstore';
import { CommandClient, connectNats } from '@federa/messaging';
import { loadConfig } from '@federa/runtime';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { UsageRollups } from '../services/statistics/src/usage/infrastructure/usage-rollups';
import { killProcess, spawnStatistics, type StatisticsProcess } from './statistics-process';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const GiB = 1024 ** 3;
const hourMs = 3_600_000;
// Two hours back: closed (past the grace) as soon as the test starts, so it is recorded at once.
const hour = Date.now() - (Date.now() % hourMs) - 2 * hourMs;

/** A heartbeat of `host` listing its instances, each with the same usage. */
function heartbeat(host: string, seq: number, sentAt: number, instances: string[]) {
  return {
    host,
    epoch: 1,
    seq,
    sentAt,
    intervalMs: 1000,
    usage: { cpuMillis: 0, memoryBytes: 0, storageBytes: 0, networkBytes: 0 },
    instances: instances.map((instance) => ({
      instance,
      state: 'running',
      load: 0.25,
      usage: {
        cpuMillis: 500,
        memoryBytes: 2 * GiB,
        storageBytes: 36 * GiB,
        networkBytes: 400,
        networkInBytes: 100,
        networkOutBytes: 300,
      },
    })),
  };
}

describe('usage from heartbeats', () => {
  let database: FreshDatabase;
  let pool: Pool;
  let store: EventStore;
  let nc: NatsConnection;
  let subjects: Subjects;
  let client: CommandClient;
  let statistics: StatisticsProcess | undefined;
  let gateway: GatewayApp | undefined;
  const env = () => ({
    FEDERA_DATABASE_URL: database.url,
    FEDERA_NATS_URL: natsUrl,
    FEDERA_SUBJECT_PREFIX: subjects.prefix,
    FEDERA_STATISTICS_USAGE_FLUSH_MS: '200',
    FEDERA_STATISTICS_USAGE_ROLLUP_MS: '500',
  });
  const publish = (host: string, body: unknown) =>
    nc.publish(
      subjects.agentHeartbeat(host),
      typeof body === 'string' ? body : JSON.stringify(body),
    );
  const startStatistics = async () => {
    statistics = spawnStatistics(env());
    const started = statistics;
    await eventually(() => started.output.join('').includes('counting heartbeats'), 60_000, 200);
  };
  const usage = (query: Record<string, string> = {}) =>
    client.sendCommand<UsageReport>('getUsage', {
      from: new Date(hour).toISOString(),
      to: new Date(hour + hourMs).toISOString(),
      ...query,
    });
  const readRollups = async () => ({
    hourly: (
      await pool.query('SELECT * FROM statistics.usage_hourly ORDER BY scope, subject, start')
    ).rows,
    daily: (await pool.query('SELECT * FROM statistics.usage_daily ORDER BY scope, subject, start'))
      .rows,
  });

  beforeAll(async () => {
    database = await freshDatabase('stats_usage');
    pool = new Pool({ connectionString: database.url, max: 4 });
    store = new PostgresEventStore(pool);
    subjects = new Subjects(uniquePrefix('statuse'));
    nc = await connectNats(natsUrl, 'statistics-usage-test');
    client = new CommandClient(nc, subjects, 10_000);
    await startStatistics();
    // The catalogue as statistics' event consumer keeps it (hosts and placement intervals).
    await pool.query(`
      INSERT INTO statistics.hosts (id, site, state, registered_at, position)
      VALUES ('mph-1', 'geneva', 'ready', now(), 1), ('mph-2', 'lausanne', 'ready', now(), 2);
      INSERT INTO statistics.instances (id, opened_by, service, app, host, layer, placed_at)
      VALUES ('shop-web-1', 3, 'shop', 'web', 'mph-1', 'sim', now() - interval '1 day'),
             ('shop-db-1', 4, 'shop', 'db', 'mph-2', 'sim', now() - interval '1 day'),
             ('shop-web-2', 5, 'shop', 'web', 'mph-1', 'sim', now() - interval '1 day')`);
  }, 90_000);

  afterAll(async () => {
    await gateway?.close();
    if (statistics) await killProcess(statistics.child, 'SIGTERM');
    await nc?.close();
    await pool?.end();
    await database?.drop();
  });

  it('writes minute rows per instance, counting a replayed heartbeat once and refusing malformed ones', async () => {
    // 30 heartbeats a host, one a second over minute 7 of the hour, then a replay of seq 3.
    for (let seq = 1; seq <= 30; seq++) {
      const sentAt = hour + 7 * 60_000 + seq * 1000;
      publish('mph-1', heartbeat('mph-1', seq, sentAt, ['shop-web-1']));
      publish('mph-2', heartbeat('mph-2', seq, sentAt, ['shop-db-1']));
    }
    publish('mph-1', heartbeat('mph-1', 3, hour + 7 * 60_000 + 3000, ['shop-web-1']));
    publish('mph-1', '{"host": "mph-1", not json');
    publish('mph-2', { ...heartbeat('mph-2', 31, hour + 7 * 60_000, ['shop-db-1']), seq: -1 });

    const rows = await eventually(async () => {
      const { rows } = await pool.query(
        `SELECT instance, host, minute, cpu_seconds, memory_gib_minutes, storage_gib_hours,
                network_in_bytes::int AS "in", network_out_bytes::int AS "out",
                load_sum / load_samples AS load, samples
         FROM statistics.usage_minutes ORDER BY instance`,
      );
      if (rows.length !== 2 || rows.some((r) => r.samples !== 30)) throw new Error('not yet');
      return rows;
    }, 30_000);
    expect(rows[0]).toMatchObject({ instance: 'shop-db-1', host: 'mph-2', samples: 30 });
    expect(rows[1]).toMatchObject({ instance: 'shop-web-1', host: 'mph-1', in: 3000, out: 9000 });
    expect(rows[1].minute.getTime()).toBe(hour + 7 * 60_000);
    expect(rows[1].cpu_seconds).toBeCloseTo(15);
    expect(rows[1].memory_gib_minutes).toBeCloseTo(1);
    expect(rows[1].storage_gib_hours).toBeCloseTo(0.3);
    expect(rows[1].load).toBeCloseTo(0.25);

    const report = await usage({ service: 'shop', app: 'web' });
    expect(report.lines).toEqual([
      expect.objectContaining({
        instance: 'shop-web-1',
        service: 'shop',
        app: 'web',
        host: 'mph-1',
        networkInBytes: 3000,
        networkOutBytes: 9000,
        minutes: 1,
        samples: 30,
      }),
    ]);
    expect(report.intake).toEqual({
      counted: 60,
      replayed: 1,
      stale: 0,
      malformed: 2,
      dropped: 0,
    });
  });

  it('answers GET /v1/usage through the gateway, and refuses a bad filter naming it', async () => {
    gateway = await createGatewayApp({
      ...loadConfig({ ...process.env, ...env() }),
      apiToken: 'usage-test-token',
      httpPort: 0,
      httpHost: '127.0.0.1',
      logLevel: 'silent',
    });
    const get = async (query: string) => {
      const response = await fetch(`${gateway!.url}/v1/usage?${query}`, {
        headers: { authorization: 'Bearer usage-test-token' },
      });
      return {
        status: response.status,
        json: (await response.json()) as { lines: Array<{ instance: string }> },
      };
    };
    const window = `from=${new Date(hour).toISOString()}&to=${new Date(hour + hourMs).toISOString()}`;
    const ok = await get(`service=shop&${window}`);
    expect(ok.status).toBe(200);
    expect(ok.json.lines.map((l) => l.instance)).toEqual(['shop-db-1', 'shop-web-1']);
    const bad = await get('host=Not_A_Host');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('host');
  });

  it('refuses through the gateway a usage window the minutes kept cannot answer, naming the field', async () => {
    const get = async (query: string) => {
      const response = await fetch(`${gateway!.url}/v1/usage?${query}`, {
        headers: { authorization: 'Bearer usage-test-token' },
      });
      return { status: response.status, body: await response.text() };
    };
    const at = (t: number) => new Date(t).toISOString();
    const day = 86_400_000;
    const now = Date.now();
    const backwards = await get(`from=${at(hour + hourMs)}&to=${at(hour)}`);
    expect(backwards.status).toBe(400);
    expect(backwards.body).toContain('"path":"from"');
    expect(backwards.body).toContain('must be before to');
    const future = await get(`from=${at(now + day)}&to=${at(now + 2 * day)}`);
    expect(future.status).toBe(400);
    expect(future.body).toContain('must not be in the future');
    // Minutes are kept 14 days by default.
    const tooLong = await get(`from=${at(now - 15 * day)}&to=${at(now)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toContain('the longest window is 14 days');
    const forgotten = await get(`from=${at(now - 30 * day)}&to=${at(now - 20 * day)}`);
    expect(forgotten.status).toBe(400);
    expect(forgotten.body).toContain('"path":"to"');
    expect(forgotten.body).toContain('oldest minute kept');
  });

  it('appends UsageRecorded once per instance and closed hour', async () => {
    const recorded = await eventually(async () => {
      const web = await store.readStream('statistics-shop-web-1');
      const db = await store.readStream('statistics-shop-db-1');
      if (web.events.length !== 1 || db.events.length !== 1) throw new Error('not yet');
      return web.events[0];
    }, 30_000);
    expect(recorded).toMatchObject({
      type: 'UsageRecorded',
      schemaVersion: 2,
      data: {
        service: 'shop',
        app: 'web',
        instance: 'shop-web-1',
        host: 'mph-1',
        from: new Date(hour).toISOString(),
        periodMinutes: 60,
        activeMinutes: 1,
        networkInBytes: 3000,
        networkOutBytes: 9000,
        load: 0.25,
        samples: 30,
      },
    });
    expect(recorded.data).toHaveProperty('cpuSeconds', expect.closeTo(15, 6));
  });

  it('rolls up per instance, application, service, host and site, hourly and daily', async () => {
    const { hourly, daily } = await eventually(async () => {
      const rollups = await readRollups();
      if (rollups.hourly.length !== 9 || rollups.daily.length !== 9) throw new Error('not yet');
      return rollups;
    }, 30_000);
    const subjectsOf = (rows: Array<{ scope: string; subject: string }>) =>
      rows.map((r) => `${r.scope}:${r.subject}`);
    expect(subjectsOf(hourly)).toEqual([
      'application:shop/db',
      'application:shop/web',
      'host:mph-1',
      'host:mph-2',
      'instance:shop-db-1',
      'instance:shop-web-1',
      'service:shop',
      'site:geneva',
      'site:lausanne',
    ]);
    expect(subjectsOf(daily)).toEqual(subjectsOf(hourly));
    const service = hourly.find((r) => r.scope === 'service' && r.subject === 'shop');
    expect(service).toMatchObject({ samples: 60, instance_minutes: 2 });
    expect(service.cpu_seconds).toBeCloseTo(30);
    expect(daily.find((r) => r.scope === 'service')).toMatchObject({ samples: 60 });
  });

  it('gives identical rollups after a rebuild from the minute rows', async () => {
    const before = await readRollups();
    await pool.query('TRUNCATE statistics.usage_hourly, statistics.usage_daily');
    await new UsageRollups(pool, {
      minuteRetentionDays: 14,
      hourlyRetentionDays: 400,
      dailyRetentionDays: 0,
    }).rebuild();
    expect(await readRollups()).toEqual(before);
  });

  it('forgets minutes and hourly rollups past their retention, keeping the rest', async () => {
    const day = 86_400_000;
    await pool.query(
      `INSERT INTO statistics.usage_minutes VALUES ('old-1', $1, 'mph-1', 1, 1, 1, 1, 1, 0, 0, 1)`,
      [new Date(Date.now() - 15 * day)],
    );
    await pool.query(
      `INSERT INTO statistics.usage_hourly
         SELECT scope, subject, $1, cpu_seconds, memory_gib_minutes, storage_gib_hours,
           network_in_bytes, network_out_bytes, load_sum, load_samples, samples, instance_minutes
         FROM statistics.usage_hourly WHERE scope = 'service' AND start = $2`,
      [new Date(Date.now() - 401 * day), new Date(hour)],
    );
    const before = await readRollups();
    await new UsageRollups(pool, {
      minuteRetentionDays: 14,
      hourlyRetentionDays: 400,
      dailyRetentionDays: 0,
    }).applyRetention();
    const minutes = await pool.query('SELECT instance FROM statistics.usage_minutes');
    expect(minutes.rows.map((r) => r.instance).sort()).toEqual(['shop-db-1', 'shop-web-1']);
    const after = await readRollups();
    expect(after.hourly).toHaveLength(before.hourly.length - 1);
    expect(after.hourly.every((r) => r.start.getTime() === hour)).toBe(true);
    expect(after.daily).toEqual(before.daily);
  });

  it('still counts a heartbeat once after a restart, and records no hour twice', async () => {
    await killProcess(statistics!.child, 'SIGKILL');
    await startStatistics();
    publish('mph-1', heartbeat('mph-1', 30, hour + 7 * 60_000 + 30_000, ['shop-web-1']));
    publish('mph-1', heartbeat('mph-1', 31, hour + 8 * 60_000, ['shop-web-1', 'shop-web-2']));
    // shop-web-2's hour is recorded by a round that already saw shop-web-1's late minute.
    await eventually(
      async () => (await store.readStream('statistics-shop-web-2')).events.length === 1,
      30_000,
    );
    const report = await usage({ host: 'mph-1' });
    expect(report.lines.map((l) => [l.instance, l.minutes, l.samples])).toEqual([
      ['shop-web-1', 2, 31],
      ['shop-web-2', 1, 1],
    ]);
    expect(report.intake).toMatchObject({ counted: 1, replayed: 1, malformed: 0 });
    // The hour was recorded before the restart; its late minute does not record it again.
    expect((await store.readStream('statistics-shop-web-1')).events).toHaveLength(1);
  });
});
