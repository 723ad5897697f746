import { loadConfig } from '@federa/runtime';
import { migrateEventStore } from '@federa/eventstore';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import { Pool } from 'pg';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { setupForecastTables } from '../services/statistics/src/forecast/infrastructure/forecast-schema';
import { setupStatisticsSchema } from '../services/statistics/src/infrastructure/statistics-schema';
import { setupUsageTables } from '../services/statistics/src/usage/infrastructure/usage-schema';
import { forecastCommand } from '../cli/src/commands/forecast';
import { runCliCommand } from './cli-in-process';
import { killProcess, spawnStatistics, type StatisticsProcess } from './statistics-process';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const apiToken = 'forecast-token';
// Starting a TypeScript service on a loaded 2-core machine takes a while.
jest.setTimeout(240_000);

const HOUR = 3_600_000;
const GIB = 1024 ** 3;
const lastHour = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const hoursOfHistory = 14 * 24;

/**
 * Cores used in site hour t (0 = two weeks ago): geneva grows by 6 cores over 17 days towards its
 * 8-core capacity (reached about three days after the last hour), with a daily swing of ±0.4 and
 * a fixed ripple standing in for noise; lausanne swings around 2 cores and does not grow.
 */
const genevaCores = (t: number) =>
  2 + (6 * t) / (hoursOfHistory + 72) + 0.4 * Math.sin((2 * Math.PI * t) / 24) + ripple(t);
const lausanneCores = (t: number) => 2 + 0.4 * Math.sin((2 * Math.PI * t) / 24) + ripple(t);
const ripple = (t: number) => 0.05 * Math.sin(t * 2.3) * Math.cos(t * 0.7);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- forecast answers and events, checked by the expectations
type Json = any;

describe('forecasts from two weeks of hourly usage, through the real statistics service and gateway', () => {
  let db: FreshDatabase;
  let pool: Pool;
  let statistics: StatisticsProcess;
  let gateway: GatewayApp;

  const call = async (path: string): Promise<{ status: number; json: Json }> => {
    const response = await fetch(`${gateway.url}${path}`, {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    return { status: response.status, json: await response.json() };
  };
  const forecastEvents = async (): Promise<{ streamId: string; data: Json }[]> =>
    (
      await pool.query(
        `SELECT stream_id AS "streamId", data FROM eventlog.events
          WHERE type = 'CapacityForecasted' ORDER BY position`,
      )
    ).rows;

  beforeAll(async () => {
    db = await freshDatabase('statforecast');
    pool = new Pool({ connectionString: db.url, max: 4 });
    await migrateEventStore(pool);
    await setupStatisticsSchema(pool, [setupUsageTables, setupForecastTables]);
    await seed(pool);
    const env = {
      FEDERA_DATABASE_URL: db.url,
      FEDERA_NATS_URL: natsUrl,
      FEDERA_SUBJECT_PREFIX: uniquePrefix('statfcst'),
    };
    statistics = spawnStatistics({
      ...env,
      FEDERA_FORECAST_INTERVAL_MS: '1000',
      FEDERA_FORECAST_WARN_DAYS: '7',
    });
    gateway = await createGatewayApp({
      ...loadConfig({ ...process.env, ...env }),
      apiToken,
      httpPort: 0,
      httpHost: '127.0.0.1',
      logLevel: 'silent',
    });
    // Every test reads what the job's first runs stored: wait for them once, generously.
    await eventually(async () => {
      const r = await call('/v1/forecasts?scope=site&subject=geneva&resource=cpu');
      return r.status === 200 && r.json.items[0]?.status === 'forecast';
    }, 180_000);
  });

  afterAll(async () => {
    await gateway?.close();
    if (statistics) await killProcess(statistics.child, 'SIGTERM');
    await pool?.end();
    await db?.drop();
  });

  it('appends CapacityForecasted with a run-out time for the growing site, and none for the flat one', async () => {
    const events = (await eventually(async () => {
      const found = await forecastEvents();
      return found.length >= 12 ? found : undefined;
    }, 180_000))!;
    const of = (stream: string, resource: string) =>
      events.find((e) => e.streamId === stream && e.data.resource === resource)?.data;
    const genevaCpu = of('forecast-site-geneva', 'cpu');
    expect(genevaCpu).toMatchObject({ scope: 'site', subject: 'geneva', capacity: 8000 });
    const daysLeft = (Date.parse(genevaCpu.runsOutAt) - (lastHour + HOUR)) / 86_400_000;
    // The trend alone reaches 8 cores three days after the last hour; the upper bound sooner.
    expect(daysLeft).toBeGreaterThan(0.5);
    expect(daysLeft).toBeLessThan(3.5);
    expect(genevaCpu.demand).toBeCloseTo(genevaCores(hoursOfHistory - 1) * 1000, 6);
    expect(of('forecast-site-lausanne', 'cpu')).toMatchObject({ capacity: 8000 });
    expect(of('forecast-site-lausanne', 'cpu').runsOutAt).toBeUndefined();
    expect(of('forecast-site-geneva', 'memory').runsOutAt).toBeUndefined();
    expect(of('forecast-fleet', 'cpu')).toMatchObject({ capacity: 24_000 });
    // bern has one day of history: no forecast, so no event.
    expect(events.filter((e) => e.streamId === 'forecast-site-bern')).toEqual([]);
  });

  it('logs a warning for the site that runs out within the warning days', async () => {
    await eventually(() => statistics.output.join('').includes('site geneva runs out in'), 60_000);
    expect(statistics.output.join('')).not.toContain('site lausanne runs out');
  });

  it('appends one CapacityForecasted per site resource per hour however often the job runs', async () => {
    const seen = new Set<string>();
    // Three more runs of the job, at least, after the first events.
    await eventually(
      async () => {
        const { rows } = await pool.query(
          `SELECT max(computed_at)::text AS at FROM statistics.forecasts`,
        );
        seen.add(rows[0].at);
        return seen.size >= 4;
      },
      120_000,
      200,
    );
    const perHour = new Map<string, number>();
    for (const { streamId, data } of await forecastEvents()) {
      const key = `${streamId} ${data.resource} ${data.computedAt.slice(0, 13)}`;
      perHour.set(key, (perHour.get(key) ?? 0) + 1);
    }
    expect([...perHour.values()].every((count) => count === 1)).toBe(true);
    expect(perHour.size).toBeGreaterThanOrEqual(12);
  });

  it('answers GET /v1/forecasts with the run-out time it recorded, and the series when asked', async () => {
    const events = await forecastEvents();
    const recorded = events.filter(
      (e) => e.streamId === 'forecast-site-geneva' && e.data.resource === 'cpu',
    );
    const answer = await call('/v1/forecasts?scope=site&subject=geneva&resource=cpu&series=true');
    expect(answer.status).toBe(200);
    expect(answer.json.warnDays).toBe(7);
    expect(answer.json.items).toHaveLength(1);
    const [geneva] = answer.json.items;
    expect(geneva).toMatchObject({
      scope: 'site',
      subject: 'geneva',
      resource: 'cpu',
      unit: 'millicores',
      status: 'forecast',
      capacity: 8000,
      warning: true,
    });
    // The stored forecast is the newest run's: within the hour of the last event recorded.
    const last = recorded[recorded.length - 1].data;
    expect(Math.abs(Date.parse(geneva.runsOutAt) - Date.parse(last.runsOutAt))).toBeLessThan(HOUR);
    expect(geneva.history).toHaveLength(72);
    expect(geneva.points).toHaveLength(geneva.horizonHours);
    expect(geneva.points[0].at).toBe(new Date(lastHour + HOUR).toISOString());
    expect(geneva.points[0].upper95).toBeGreaterThan(geneva.points[0].upper80);
  });

  it('lists every site, the fleet and each application, soonest run-out first, without series by default', async () => {
    const answer = await call('/v1/forecasts');
    expect(answer.status).toBe(200);
    const items: Json[] = answer.json.items;
    expect(items[0]).toMatchObject({ scope: 'site', subject: 'geneva', resource: 'cpu' });
    expect(items.every((i) => i.points === undefined)).toBe(true);
    const bern = items.find((i) => i.subject === 'bern' && i.resource === 'cpu');
    expect(bern).toMatchObject({
      status: 'insufficient-history',
      historyHours: 24,
      demand: null,
      forecastDemand: null,
      runsOutAt: null,
      reason: '24 hours of history, at least 72 needed',
    });
    const web = items.filter((i) => i.scope === 'application' && i.subject === 'shop/web');
    expect(web.map((i) => i.resource).sort()).toEqual([
      'bandwidth',
      'cpu',
      'load',
      'memory',
      'storage',
    ]);
    expect(web.find((i) => i.resource === 'load')).toMatchObject({
      status: 'forecast',
      unit: 'ratio',
    });
  });

  it('prints the site that runs out with a warning and a chart of its forecast: federa forecast', async () => {
    const { printed, exitCode } = await runCliCommand(
      forecastCommand(),
      ['geneva', '--resource', 'cpu'],
      { api: gateway.url, token: apiToken },
    );
    expect(exitCode).toBe(0);
    const lines = printed.split('\n');
    expect(lines[0]).toMatch(/^SCOPE +SUBJECT +RESOURCE +NOW +CAPACITY +USED +FORECAST +RUNS OUT$/);
    expect(lines[1]).toMatch(
      /^site +geneva +cpu +\d\.\d\d cores +8\.00 cores .* \(in \d\.\d d\) WARNING$/,
    );
    expect(printed).toContain('site geneva cpu');
    expect(printed).toContain('─ capacity 8.00 cores');
    expect(printed).toMatch(/\*/);
    expect(printed).toMatch(/░/);
    const json = await runCliCommand(forecastCommand(), ['-o', 'json', '--scope', 'site'], {
      api: gateway.url,
      token: apiToken,
    });
    const sites = JSON.parse(json.printed).items.map((i: Json) => i.subject);
    expect(new Set(sites)).toEqual(new Set(['geneva', 'lausanne', 'bern']));
  });

  it('refuses a scope or subject it does not know with a 400 naming the field', async () => {
    const scope = await call('/v1/forecasts?scope=galaxy');
    expect(scope.status).toBe(400);
    expect(scope.json.error.details).toEqual([expect.objectContaining({ path: 'scope' })]);
    const subject = await call('/v1/forecasts?subject=Not%20A%20Site');
    expect(subject.status).toBe(400);
    expect(subject.json.error.details).toEqual([expect.objectContaining({ path: 'subject' })]);
  });
});

async function seed(pool: Pool): Promise<void> {
  const longAgo = new Date(lastHour - 60 * 86_400_000).toISOString();
  for (const [id, site] of [
    ['mph-1', 'geneva'],
    ['mph-2', 'lausanne'],
    ['mph-3', 'bern'],
  ]) {
    await pool.query(
      `INSERT INTO statistics.hosts (id, site, state, cpu_millis, memory_bytes, storage_bytes,
         bandwidth_bps, registered_at, position)
       VALUES ($1, $2, 'ready', 8000, $3, $4, 1000000000, $5, 1)`,
      [id, site, 32 * GIB, 500 * GIB, longAgo],
    );
  }
  // A host being drained is leaving: its capacity is not counted.
  await pool.query(
    `INSERT INTO statistics.hosts (id, site, state, lifecycle, cpu_millis, registered_at, position)
     VALUES ('mph-4', 'geneva', 'draining', 'draining', 8000, $1, 1)`,
    [longAgo],
  );
  const rows: [string, string, number, number, number][] = [];
  for (let t = 0; t < hoursOfHistory; t++) {
    rows.push(['site', 'geneva', t, genevaCores(t), 0.5]);
    rows.push(['site', 'lausanne', t, lausanneCores(t), 0.3]);
    rows.push(['application', 'shop/web', t, genevaCores(t), genevaCores(t) / 8]);
    if (t >= hoursOfHistory - 24) rows.push(['site', 'bern', t, 1, 0.1]);
  }
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const values: unknown[] = [];
    const tuples = chunk.map(([scope, subject, t, cores, load], j) => {
      values.push(
        scope,
        subject,
        new Date(lastHour - (hoursOfHistory - 1 - t) * HOUR),
        cores * 3600,
        load * 60,
      );
      const k = j * 5;
      // 4 GiB held all hour, 100 GiB stored, 1 GB in and 0.5 GB out, 60 load samples.
      return `($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4}, 240, 100, 1000000000, 500000000, $${k + 5}, 60, 60, 60)`;
    });
    await pool.query(
      `INSERT INTO statistics.usage_hourly (scope, subject, start, cpu_seconds, memory_gib_minutes,
         storage_gib_hours, network_in_bytes, network_out_bytes, load_sum, load_samples, samples,
         instance_minutes)
       VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}
