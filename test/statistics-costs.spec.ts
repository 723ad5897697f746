import { streamIds, type RecordedEvent } from '@federa/contracts';
import { loadConfig } from '@federa/runtime';
import { migrateEventStore, PostgresEventStore } from '@federa/eventstore';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import { Pool } from 'pg';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { catalogueHandler } from '../services/statistics/src/catalogue/infrastructure/catalogue-handler';
import { CostReports } from '../services/statistics/src/cost/api/cost-reports';
import { setupBudgetBreaches } from '../services/statistics/src/cost/infrastructure/budget-breaches';
import { BudgetWatcher } from '../services/statistics/src/cost/infrastructure/budget-watcher';
import { setupStatisticsSchema } from '../services/statistics/src/infrastructure/statistics-schema';
import { UsageRollups } from '../services/statistics/src/usage/infrastructure/usage-rollups';
import { setupUsageTables } from '../services/statistics/src/usage/infrastructure/usage-schema';
import { costsCommand } from '../cli/src/commands/costs';
import { runCliCommand } from './cli-in-process';
import { killProcess, spawnStatistics, type StatisticsProcess } from './statistics-process';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const apiToken = 'statistics-costs-token';
// Starting a TypeScript service on a loaded 2-core machine takes a while.
jest.setTimeout(180_000);

const hosts = [
  // id, site, cpuHour, standingPerHour, ups, raid; every host: memory 0.005/GiB-h, storage 0.10/GiB-month, network 0.01/GiB
  ['mph-1', 'geneva', 0.04, 0.02, true, true],
  ['mph-2', 'lausanne', 0.02, 0.01, false, false],
] as const;
const instances = [
  // id, service, app, host; each reserves one core, placed long before the window and still there
  ['shop-web-1', 'shop', 'web', 'mph-1'],
  ['blog-web-1', 'blog', 'web', 'mph-1'],
  ['shop-db-1', 'shop', 'db', 'mph-2'],
] as const;

/**
 * Every instance used one cpu-second a minute over [10:30 three days ago, 01:15 the day before
 * yesterday): recent enough for minute rows to be kept, read as minutes, hours, a day, an hour, minutes.
 */
const HOUR = 3_600_000;
const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 3 * 86_400_000;
const from = new Date(dayStart + 10.5 * HOUR).toISOString();
const to = new Date(dayStart + 49.25 * HOUR).toISOString();
const minutes = 30 + 13 * 60 + 1440 + 60 + 15; // 2,325 minutes: 38.75 hours
const coreHours = minutes / 3600; // each instance's cpu in core-hours: 0.6458333…

// Hand-checked: usage at the host's cpu rate, × 1.13 on mph-1 (UPS 8 % + RAID 5 %); standing cost
// 0.02/h × 38.75 h = 0.775 on mph-1, shared equally by its two one-core instances (0.3875 each),
// and 0.01/h × 38.75 h = 0.3875 on mph-2, all shop-db-1's.
const shopWeb = coreHours * 0.04 * 1.13; // 0.0291917
const blogWeb = coreHours * 0.04 * 1.13;
const shopDb = coreHours * 0.02; // 0.0129167
const expected = {
  service: { shop: shopWeb + shopDb + 0.3875 + 0.3875, blog: blogWeb + 0.3875 },
  host: { 'mph-1': shopWeb + blogWeb + 0.775, 'mph-2': shopDb + 0.3875 },
  site: { geneva: shopWeb + blogWeb + 0.775, lausanne: shopDb + 0.3875 },
  application: {
    'shop/web': shopWeb + 0.3875,
    'shop/db': shopDb + 0.3875,
    'blog/web': blogWeb + 0.3875,
  },
};

describe('GET /v1/costs through a real gateway and statistics service, on seeded usage', () => {
  let db: FreshDatabase;
  let pool: Pool;
  let statistics: StatisticsProcess;
  let gateway: GatewayApp;

  const call = async (path: string) => {
    const response = await fetch(`${gateway.url}${path}`, {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cost reports and errors, checked by the expectations
    return { status: response.status, json: (await response.json()) as any };
  };

  beforeAll(async () => {
    db = await freshDatabase('statcosts');
    pool = new Pool({ connectionString: db.url, max: 4 });
    await migrateEventStore(pool);
    await setupStatisticsSchema(pool, [setupUsageTables, setupBudgetBreaches]);
    await seed(pool);
    const prefix = uniquePrefix('statcost');
    const env = {
      FEDERA_DATABASE_URL: db.url,
      FEDERA_NATS_URL: natsUrl,
      FEDERA_SUBJECT_PREFIX: prefix,
    };
    statistics = spawnStatistics({ ...env, FEDERA_BUDGET_CHECK_MS: '500' });
    gateway = await createGatewayApp({
      ...loadConfig({ ...process.env, ...env }),
      apiToken,
      httpPort: 0,
      httpHost: '127.0.0.1',
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    if (statistics) await killProcess(statistics.child, 'SIGTERM');
    await pool?.end();
    await db?.drop();
  });

  it.each(['service', 'application', 'host', 'site'] as const)(
    'answers the hand-checked cost per %s over a window of minutes, hours and a day',
    async (groupBy) => {
      const answer = (await eventually(async () => {
        const r = await call(`/v1/costs?groupBy=${groupBy}&from=${from}&to=${to}`);
        return r.status === 200 ? r : undefined;
      }, 120_000))!;
      expect(answer.json.groupBy).toBe(groupBy);
      const costs = Object.fromEntries(
        answer.json.items.map((l: { key: string; cost: number }) => [l.key, l.cost]),
      );
      expect(Object.keys(costs).sort()).toEqual(Object.keys(expected[groupBy]).sort());
      for (const [key, cost] of Object.entries(expected[groupBy]))
        expect(costs[key]).toBeCloseTo(cost, 9);
      const total = 2 * blogWeb + shopDb + 0.775 + 0.3875;
      expect(answer.json.total).toBeCloseTo(total, 9);
    },
  );

  it("answers one service's lines alone, at the same cost as among all, its standing share included", async () => {
    const shop = await call(`/v1/costs?groupBy=application&service=shop&from=${from}&to=${to}`);
    expect(shop.status).toBe(200);
    expect(shop.json.items.map((l: { key: string }) => l.key).sort()).toEqual([
      'shop/db',
      'shop/web',
    ]);
    expect(shop.json.total).toBeCloseTo(expected.service.shop, 9);
  });

  it('prints the cost per site with federa costs, and the same numbers with -o json', async () => {
    const gatewayAt = { api: gateway.url, token: apiToken };
    const args = ['--group-by', 'site', '--from', from, '--to', to];
    const table = await runCliCommand(costsCommand(), args, gatewayAt);
    expect(table.exitCode).toBe(0);
    expect(table.printed.split('\n').slice(0, 3)).toEqual([
      'SITE      COST  USAGE  STANDING',
      `geneva    ${expected.site.geneva.toFixed(2)}  ${(shopWeb + blogWeb).toFixed(2)}   0.78`,
      `lausanne  ${expected.site.lausanne.toFixed(2)}  ${shopDb.toFixed(2)}   0.39`,
    ]);
    const json = await runCliCommand(costsCommand(), [...args, '-o', 'json'], gatewayAt);
    expect(JSON.parse(json.printed).items[0].cost).toBeCloseTo(expected.site.geneva, 9);
  });

  it('refuses a grouping it does not know with a 400 naming groupBy, and a reversed window naming from', async () => {
    const app = await call('/v1/costs?groupBy=app');
    expect(app.status).toBe(400);
    expect(app.json.error.details).toEqual([expect.objectContaining({ path: 'groupBy' })]);
    const reversed = (await eventually(async () => {
      const r = await call(`/v1/costs?from=${to}&to=${from}`);
      return r.status === 400 ? r : undefined;
    }, 60_000))!;
    expect(reversed.json.error.details).toEqual([expect.objectContaining({ path: 'from' })]);
  });

  it('appends BudgetExceeded once for a service over its budget, shows it beside its cost, and again only after it went back under', async () => {
    // Over the last hour shop bears 0.01 of each host's standing cost, 0.02/h: over its 0.01 budget.
    const breaches = () => budgetEvents(pool, 'shop');
    await eventually(async () => (await breaches()).length > 0, 120_000);
    const shop = await call('/v1/costs?groupBy=service&service=shop');
    expect(shop.json.items).toEqual([
      expect.objectContaining({
        key: 'shop',
        budget: expect.objectContaining({
          maxCostPerHour: 0.01,
          exceededSince: expect.any(String),
        }),
      }),
    ]);
    // However many more rounds measure it over, the breach is one event (ours and the service's).
    const watcher = new BudgetWatcher(
      pool,
      new PostgresEventStore(pool),
      new CostReports(pool),
      60_000,
    );
    for (let round = 0; round < 3; round++) await watcher.check();
    expect((await breaches()).map((e) => e.type)).toEqual(['BudgetExceeded']);
    const [exceeded] = await breaches();
    expect(exceeded.data).toEqual(
      expect.objectContaining({
        service: 'shop',
        maxCostPerHour: 0.01,
        costPerHour: expect.any(Number),
      }),
    );
    expect(exceeded.data.costPerHour).toBeCloseTo(0.02, 6);
    expect(await budgetEvents(pool, 'blog')).toEqual([]);

    // Under its budget now, but with no usage stored near the end of the hour: a pause in heartbeats
    // is not a saving, so the breach stands until usage is current again.
    await pool.query(`UPDATE statistics.services SET max_cost_per_hour = 1 WHERE name = 'shop'`);
    await watcher.check();
    expect((await breaches()).map((e) => e.type)).toEqual(['BudgetExceeded']);
    await pool.query(
      `INSERT INTO statistics.usage_minutes (instance, minute, host, cpu_seconds, memory_gib_minutes,
         storage_gib_hours, network_in_bytes, network_out_bytes, load_sum, load_samples, samples)
       VALUES ('blog-web-1', date_trunc('minute', now()) - interval '1 minute', 'mph-1', 0, 0, 0, 0, 0, 0, 0, 1)`,
    );
    await eventually(async () => (await breaches()).length === 2, 60_000);
    await pool.query(`UPDATE statistics.services SET max_cost_per_hour = 0.01 WHERE name = 'shop'`);
    await eventually(async () => (await breaches()).length === 3, 60_000);
    expect((await breaches()).map((e) => e.type)).toEqual([
      'BudgetExceeded',
      'BudgetRestored',
      'BudgetExceeded',
    ]);
  });
});

async function budgetEvents(pool: Pool, service: string) {
  const { rows } = await pool.query<{
    type: string;
    data: { service: string; maxCostPerHour: number; costPerHour: number };
  }>(`SELECT type, data FROM eventlog.events WHERE stream_id = $1 ORDER BY position`, [
    streamIds.budget(service),
  ]);
  return rows;
}

async function seed(pool: Pool): Promise<void> {
  const longAgo = new Date(dayStart - 30 * 86_400_000).toISOString();
  for (const [id, site, cpuHour, standing, ups, raid] of hosts) {
    await pool.query(
      `INSERT INTO statistics.hosts (id, site, state, cpu_per_hour, memory_gib_per_hour, storage_gib_per_month,
         network_per_gib, standing_per_hour, ups, raid, registered_at, position)
       VALUES ($1, $2, 'ready', $3, 0.005, 0.10, 0.01, $4, $5, $6, $7, 1)`,
      [id, site, cpuHour, standing, ups, raid, longAgo],
    );
  }
  for (const [name, budget] of [
    ['shop', 0.01],
    ['blog', 0.5],
  ] as const) {
    await pool.query(
      `INSERT INTO statistics.services (name, revision, max_cost_per_hour, applications, defined_at, position)
       VALUES ($1, 1, $2, '{}', $3, 1)`,
      [name, budget, longAgo],
    );
  }
  let position = 1;
  for (const [id, service, app, host] of instances) {
    await pool.query(
      `INSERT INTO statistics.instances (id, opened_by, service, app, host, layer, cpu_millis, placed_at)
       VALUES ($1, $2, $3, $4, $5, 'process', 1000, $6)`,
      [id, position++, service, app, host, longAgo],
    );
  }
  // One row per instance per minute of the window, and the rollups those rows add up to.
  await pool.query(
    `INSERT INTO statistics.usage_minutes (instance, minute, host, cpu_seconds, memory_gib_minutes,
       storage_gib_hours, network_in_bytes, network_out_bytes, load_sum, load_samples, samples)
     SELECT i.id, m, i.host, 1, 0, 0, 0, 0, 0, 0, 1
     FROM statistics.instances i, generate_series($1::timestamptz, $2::timestamptz - interval '1 minute',
          interval '1 minute') m`,
    [from, to],
  );
  const rollup = async (table: string, start: Date, perInstance: number) => {
    const rows: [string, string, number][] = [
      ...instances.map(([id]) => ['instance', id, perInstance] as [string, string, number]),
      ['host', 'mph-1', 2 * perInstance],
      ['host', 'mph-2', perInstance],
    ];
    for (const [scope, subject, cpu] of rows) {
      await pool.query(
        `INSERT INTO ${table} (scope, subject, start, cpu_seconds, memory_gib_minutes, storage_gib_hours,
           network_in_bytes, network_out_bytes, load_sum, load_samples, samples, instance_minutes)
         VALUES ($1, $2, $3, $4, 0, 0, 0, 0, 0, 0, 1, 1)`,
        [scope, subject, start, cpu],
      );
    }
  };
  // Whole hours of the window (those of the middle day too, as a rollup would) and its whole day.
  for (
    let start = Date.parse(from) + 30 * 60_000;
    start < Date.parse(to) - 15 * 60_000;
    start += HOUR
  )
    await rollup('statistics.usage_hourly', new Date(start), 60);
  await rollup('statistics.usage_daily', new Date(dayStart + 86_400_000), 1440);
}

describe('cost at the rates that held then, and per host across a migration', () => {
  let db: FreshDatabase;
  let pool: Pool;
  const minute = 60_000;
  const at = (hours: number) => new Date(dayStart + hours * HOUR);

  beforeAll(async () => {
    db = await freshDatabase('statcostterms');
    pool = new Pool({ connectionString: db.url, max: 4 });
    await migrateEventStore(pool);
    await setupStatisticsSchema(pool, [setupUsageTables, setupBudgetBreaches]);
    // rc-1 registers at 0.04/core-hour, then again at 0.10 from 36:20 (the day after).
    const client = await pool.connect();
    try {
      for (const [position, cpuHour, when] of [
        [1, 0.04, at(-30 * 24)],
        [2, 0.1, new Date(at(36).getTime() + 20 * minute)],
      ] as const) {
        await catalogueHandler.handle(
          {
            streamId: 'host-rc-1',
            type: 'HostRegistered',
            position,
            recordedAt: when.toISOString(),
            metadata: { occurredAt: when.toISOString() },
            data: {
              host: 'rc-1',
              site: 'lausanne',
              securityLevel: 0,
              capacity: { cpuMillis: 8000, memoryBytes: 0, storageBytes: 0, bandwidthBps: 0 },
              costs: { cpuHour, memoryGiBHour: 0, storageGiBMonth: 0, networkGiB: 0 },
              features: { ups: false, raid: false },
            },
          } as unknown as RecordedEvent,
          client,
        );
      }
    } finally {
      client.release();
    }
    // mv-a and mv-b at 0.036/core-hour (a cpu-second costs 0.00001); mv-2 moves from one to the other at 12:30.
    for (const host of ['mv-a', 'mv-b'])
      await pool.query(
        `INSERT INTO statistics.hosts (id, site, state, cpu_per_hour, registered_at, position)
         VALUES ($1, 'lausanne', 'ready', 0.036, $2, 1)`,
        [host, at(-30 * 24)],
      );
    for (const [id, opened, host, placed, ended] of [
      ['mv-1', 1, 'rc-1', at(-30 * 24), null],
      ['mv-2', 2, 'mv-a', at(-30 * 24), at(12.5)],
      ['mv-2', 3, 'mv-b', at(12.5), null],
    ] as const)
      await pool.query(
        `INSERT INTO statistics.instances (id, opened_by, service, app, host, layer, cpu_millis,
           placed_at, ended_at, closed_by)
         VALUES ($1, $2, 'mv', 'web', $3, 'process', 1000, $4, $5, $6)`,
        [id, opened, host, placed, ended, ended ? opened + 1 : null],
      );
    // mv-1: one cpu-second a minute over [34:00, 38:00); mv-2: two a minute on mv-a until 12:30,
    // then one a minute on mv-b until 14:00.
    const minutes = async (instance: string, host: string, cpu: number, a: Date, b: Date) =>
      pool.query(
        `INSERT INTO statistics.usage_minutes (instance, minute, host, cpu_seconds, memory_gib_minutes,
           storage_gib_hours, network_in_bytes, network_out_bytes, load_sum, load_samples, samples)
         SELECT $1, m, $2, $3, 0, 0, 0, 0, 0, 0, 1
         FROM generate_series($4::timestamptz, $5::timestamptz - interval '1 minute', interval '1 minute') m`,
        [instance, host, cpu, a, b],
      );
    await minutes('mv-1', 'rc-1', 1, at(34), at(38));
    await minutes('mv-2', 'mv-a', 2, at(10), at(12.5));
    await minutes('mv-2', 'mv-b', 1, at(12.5), at(14));
    await new UsageRollups(pool, {
      minuteRetentionDays: 30,
      hourlyRetentionDays: 60,
      dailyRetentionDays: 0,
    }).rebuild();
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('prices a window in which a host changed its rates at each rate for its own minutes', async () => {
    // 140 minutes before 36:20 at 0.04, 100 after at 0.10: 140/3600 × 0.04 + 100/3600 × 0.10.
    const expectedCost = (140 / 3600) * 0.04 + (100 / 3600) * 0.1;
    for (const groupBy of ['host', 'service'] as const) {
      const report = await new CostReports(pool).breakdown(
        groupBy,
        at(34).getTime(),
        at(38).getTime(),
      );
      const key = groupBy === 'host' ? 'rc-1' : 'mv';
      expect(report.lines.map((l) => [l.key, Number(l.cost.toFixed(9))])).toEqual([
        [key, Number(expectedCost.toFixed(9))],
      ]);
    }
  });

  it('charges each host of an instance that moved within an hour for the minutes it ran there', async () => {
    // mv-a: 150 minutes × 2 cpu-seconds; mv-b: 90 × 1 (a time split of the 12:00 hour would say 45 each).
    const { rows } = await pool.query(
      `SELECT host, cpu_seconds FROM statistics.usage_hourly
       WHERE scope = 'instance' AND subject = 'mv-2' AND start = $1 ORDER BY host`,
      [at(12)],
    );
    expect(rows).toEqual([
      { host: 'mv-a', cpu_seconds: 60 },
      { host: 'mv-b', cpu_seconds: 30 },
    ]);
    const report = await new CostReports(pool).breakdown(
      'host',
      at(10).getTime(),
      at(14).getTime(),
    );
    const costs = Object.fromEntries(report.lines.map((l) => [l.key, l.usageCost]));
    expect(costs['mv-a']).toBeCloseTo(300 * 0.00001, 12);
    expect(costs['mv-b']).toBeCloseTo(90 * 0.00001, 12);
  });
});
