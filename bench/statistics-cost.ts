// The cost half of bench/statistics.ts: 30 days of usage of SERVICES services (INSTANCES each, on
// hosts of HOST_SIZE instances) seeded as statistics keeps it — daily rollups for whole days, hourly
// ones for whole hours at the ends, minute rows at the edges — then the same 30-day cost per service
// asked of the statistics service (`cmd.statistics.costs`, what GET /v1/costs sends) and computed by
// one raw SQL aggregate of the same rows, in the same run.
import type { CommandClient } from '@federa/messaging';
import type { CostReport } from '@federa/contracts';
import type { Pool } from 'pg';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface CostBenchOptions {
  pool: Pool;
  commands: CommandClient;
  services: number;
  instancesPerService: number;
  instancesPerHost: number;
  runs: number;
}

export interface CostBenchResult {
  cost_services: number;
  cost_instances: number;
  cost_rows_read: number;
  cost_query_ms: number;
  cost_raw_ms: number;
  cost_query_ratio: number;
  /** Largest difference between Federa's usage cost of a service and the raw aggregate's. */
  cost_max_abs_diff: number;
}

/** The window's pieces as statistics reads them (minutes, hours, days, hours, minutes). */
function boundaries(from: number, to: number) {
  const hourUp = Math.ceil(from / HOUR) * HOUR;
  const dayUp = Math.ceil(hourUp / DAY) * DAY;
  const hourDown = Math.floor(to / HOUR) * HOUR;
  const dayDown = Math.floor(hourDown / DAY) * DAY;
  return [from, hourUp, dayUp, dayDown, hourDown, to].map((t) => new Date(t));
}

/** Catalogue and usage rows: every instance used 0.25 core, 128 MiB, 1 GiB of storage and 20 kB/s. */
async function seed(o: CostBenchOptions, from: number, to: number): Promise<number> {
  const { pool } = o;
  const instances = o.services * o.instancesPerService;
  const hosts = Math.ceil(instances / o.instancesPerHost);
  const since = new Date(from - 60 * DAY);
  await pool.query(
    `INSERT INTO statistics.hosts (id, site, state, cpu_per_hour, memory_gib_per_hour, storage_gib_per_month,
       network_per_gib, standing_per_hour, ups, raid, registered_at, position)
     SELECT 'host-' || h, 'site-' || (h % 5), 'ready', 0.03 + (h % 7) * 0.005, 0.004, 0.08, 0.01,
            0.01 + (h % 3) * 0.01, h % 2 = 0, h % 3 = 0, $1, 1
     FROM generate_series(0, $2::int - 1) h`,
    [since, hosts],
  );
  await pool.query(
    `INSERT INTO statistics.services (name, revision, max_cost_per_hour, applications, defined_at, position)
     SELECT 'svc-' || s, 1, NULL, '{web}', $1, 1 FROM generate_series(0, $2::int - 1) s`,
    [since, o.services],
  );
  await pool.query(
    `INSERT INTO statistics.instances (id, opened_by, service, app, host, layer, cpu_millis, memory_bytes,
       storage_bytes, placed_at)
     SELECT 'svc-' || (i / $2) || '-web-' || (i % $2), i + 1, 'svc-' || (i / $2), 'web',
            'host-' || (i / $3), 'sim', 500, 268435456, 2147483648, $4
     FROM generate_series(0, $1::int - 1) i`,
    [instances, o.instancesPerService, o.instancesPerHost, since],
  );
  const [a, b, c, d, e, f] = boundaries(from, to);
  const minuteUsage = `0.25 * 60, 0.125, 1.0 / 60, 600000, 600000, 18, 60, 60`;
  await pool.query(
    `INSERT INTO statistics.usage_minutes (instance, minute, host, cpu_seconds, memory_gib_minutes,
       storage_gib_hours, network_in_bytes, network_out_bytes, load_sum, load_samples, samples)
     SELECT i.id, m, i.host, ${minuteUsage}
     FROM statistics.instances i,
          (SELECT generate_series($1::timestamptz, $2::timestamptz - interval '1 minute', interval '1 minute') m
           UNION ALL
           SELECT generate_series($3::timestamptz, $4::timestamptz - interval '1 minute', interval '1 minute')) ms`,
    [a, b, e, f],
  );
  const rollup = (table: string, step: string, perMinutes: number) =>
    `INSERT INTO ${table} (scope, subject, start, cpu_seconds, memory_gib_minutes, storage_gib_hours,
       network_in_bytes, network_out_bytes, load_sum, load_samples, samples, instance_minutes)
     SELECT 'instance', i.id, t, 0.25 * 60 * ${perMinutes}, 0.125 * ${perMinutes}, ${perMinutes} / 60.0,
            600000 * ${perMinutes}, 600000 * ${perMinutes}, 18 * ${perMinutes}, 60 * ${perMinutes},
            60 * ${perMinutes}, ${perMinutes}
     FROM statistics.instances i,
          generate_series($1::timestamptz, $2::timestamptz - interval '${step}', interval '${step}') t`;
  await pool.query(rollup('statistics.usage_hourly', '1 hour', 60), [b, c]);
  await pool.query(rollup('statistics.usage_hourly', '1 hour', 60), [d, e]);
  await pool.query(rollup('statistics.usage_daily', '1 day', 1440), [c, d]);
  await pool.query(
    'ANALYZE statistics.usage_minutes, statistics.usage_hourly, statistics.usage_daily',
  );
  const { rows } = await pool.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM statistics.usage_minutes)::int + (SELECT count(*) FROM statistics.usage_hourly)::int
            + (SELECT count(*) FROM statistics.usage_daily)::int AS n`,
  );
  return rows[0].n;
}

/**
 * The baseline: usage cost per service from the same rows in one statement — rates × usage × the
 * UPS/RAID factor, each row put on its instance's host — with nothing else (no standing cost, no
 * checks, no answer to shape).
 */
const rawSql = `
WITH u AS (
  SELECT instance, host, cpu_seconds, memory_gib_minutes, storage_gib_hours,
         network_in_bytes + network_out_bytes AS net
  FROM statistics.usage_minutes
  WHERE (minute >= $1 AND minute < $2) OR (minute >= $5 AND minute < $6)
  UNION ALL
  SELECT r.subject, i.host, r.cpu_seconds, r.memory_gib_minutes, r.storage_gib_hours,
         r.network_in_bytes + r.network_out_bytes
  FROM statistics.usage_hourly r JOIN statistics.instances i ON i.id = r.subject
  WHERE r.scope = 'instance' AND ((r.start >= $2 AND r.start < $3) OR (r.start >= $4 AND r.start < $5))
  UNION ALL
  SELECT r.subject, i.host, r.cpu_seconds, r.memory_gib_minutes, r.storage_gib_hours,
         r.network_in_bytes + r.network_out_bytes
  FROM statistics.usage_daily r JOIN statistics.instances i ON i.id = r.subject
  WHERE r.scope = 'instance' AND r.start >= $3 AND r.start < $4
)
SELECT i.service,
       sum((u.cpu_seconds / 3600 * h.cpu_per_hour + u.memory_gib_minutes / 60 * h.memory_gib_per_hour
            + u.storage_gib_hours * h.storage_gib_per_month / 730 + u.net / 1073741824.0 * h.network_per_gib)
           * (1 + CASE WHEN h.ups THEN 0.08 ELSE 0 END + CASE WHEN h.raid THEN 0.05 ELSE 0 END)) AS cost
FROM u
JOIN statistics.hosts h ON h.id = u.host
JOIN statistics.instances i ON i.id = u.instance
GROUP BY i.service`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function measureCostQuery(o: CostBenchOptions): Promise<CostBenchResult> {
  // Unaligned ends, as a user's "the last 30 days" is: every kind of piece is read.
  const to = Math.floor((Date.now() - 7 * MINUTE) / MINUTE) * MINUTE - 23 * MINUTE;
  const from = to - 30 * DAY;
  const rowsRead = await seed(o, from, to);
  const query = {
    groupBy: 'service',
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  };
  const params = boundaries(from, to);

  const federa: number[] = [];
  const raw: number[] = [];
  let report: CostReport | undefined;
  let rawRows: { service: string; cost: number }[] = [];
  // One warm-up each, then alternating runs so that neither gets the warmer cache throughout.
  for (let run = -1; run < o.runs; run++) {
    let t = performance.now();
    report = await o.commands.sendCommand<CostReport>('getCosts', query);
    if (run >= 0) federa.push(performance.now() - t);
    t = performance.now();
    rawRows = (await o.pool.query<{ service: string; cost: number }>(rawSql, params)).rows;
    if (run >= 0) raw.push(performance.now() - t);
  }
  const rawCost = new Map(rawRows.map((r) => [r.service, Number(r.cost)]));
  let maxDiff = 0;
  for (const line of report!.items)
    maxDiff = Math.max(maxDiff, Math.abs(line.usageCost - (rawCost.get(line.key) ?? 0)));
  if (report!.items.length !== rawCost.size)
    throw new Error(
      `Federa answered ${report!.items.length} services, the raw aggregate ${rawCost.size}`,
    );
  const federaMs = median(federa);
  const rawMs = median(raw);
  return {
    cost_services: o.services,
    cost_instances: o.services * o.instancesPerService,
    cost_rows_read: rowsRead,
    cost_query_ms: Number(federaMs.toFixed(1)),
    cost_raw_ms: Number(rawMs.toFixed(1)),
    cost_query_ratio: Number((rawMs / federaMs).toFixed(3)),
    cost_max_abs_diff: Number(maxDiff.toExponential(2)),
  };
}
