import type { Queryable } from '@federa/eventstore';
import type { ResourceKind } from '@federa/contracts';
import type { HourlyUsage } from '../domain/usage-demand';

/** Capacity in base units (millicores, bytes, bits per second). */
export type Capacity = Record<ResourceKind, number>;

/**
 * Capacity per site of the catalogue's hosts that stay: those whose lifecycle is active, whatever
 * their liveness (down, suspect and cordoned hosts count: they are expected back). A draining or
 * drained host is leaving even while down, or after it recovers or registers again.
 */
export async function readSiteCapacities(db: Queryable): Promise<Map<string, Capacity>> {
  const { rows } = await db.query<{
    site: string;
    cpu: string;
    memory: string;
    storage: string;
    bandwidth: string;
  }>({
    text: `SELECT site, sum(cpu_millis) AS cpu, sum(memory_bytes) AS memory,
                  sum(storage_bytes) AS storage, sum(bandwidth_bps) AS bandwidth
             FROM statistics.hosts
            WHERE retired_at IS NULL AND lifecycle = 'active'
            GROUP BY site`,
  });
  return new Map(
    rows.map((r) => [
      r.site,
      {
        cpu: Number(r.cpu),
        memory: Number(r.memory),
        storage: Number(r.storage),
        bandwidth: Number(r.bandwidth),
      },
    ]),
  );
}

interface UsageRow {
  subject: string;
  start: Date;
  cpu_seconds: number;
  memory_gib_minutes: number;
  storage_gib_hours: number;
  network_in_bytes: string;
  network_out_bytes: string;
  load_sum: number;
  load_samples: number;
}

const usageColumns = `cpu_seconds, memory_gib_minutes, storage_gib_hours, network_in_bytes,
  network_out_bytes, load_sum, load_samples`;

/** Hourly usage rollups of every subject of a scope (`site`, `application`) in [since, until). */
export async function readHourlyUsage(
  db: Queryable,
  scope: 'site' | 'application',
  since: Date,
  until: Date,
): Promise<Map<string, HourlyUsage[]>> {
  const { rows } = await db.query<UsageRow>({
    text: `SELECT subject, start, ${usageColumns}
             FROM statistics.usage_hourly
            WHERE scope = $1 AND start >= $2 AND start < $3
            ORDER BY subject, start`,
    values: [scope, since, until],
  });
  const bySubject = new Map<string, HourlyUsage[]>();
  for (const row of rows) {
    const series = bySubject.get(row.subject) ?? [];
    series.push(hourlyUsage(row));
    bySubject.set(row.subject, series);
  }
  return bySubject;
}

/** The fleet's hourly usage in [since, until): every site's rollup added up per hour. */
export async function readFleetHourlyUsage(
  db: Queryable,
  since: Date,
  until: Date,
): Promise<HourlyUsage[]> {
  const { rows } = await db.query<UsageRow>({
    text: `SELECT '' AS subject, start,
                  sum(cpu_seconds) AS cpu_seconds, sum(memory_gib_minutes) AS memory_gib_minutes,
                  sum(storage_gib_hours) AS storage_gib_hours,
                  sum(network_in_bytes) AS network_in_bytes, sum(network_out_bytes) AS network_out_bytes,
                  sum(load_sum) AS load_sum, sum(load_samples) AS load_samples
             FROM statistics.usage_hourly
            WHERE scope = 'site' AND start >= $1 AND start < $2
            GROUP BY start ORDER BY start`,
    values: [since, until],
  });
  return rows.map(hourlyUsage);
}

function hourlyUsage(row: UsageRow): HourlyUsage {
  return {
    hour: row.start,
    cpuSeconds: Number(row.cpu_seconds),
    memoryGibMinutes: Number(row.memory_gib_minutes),
    storageGibHours: Number(row.storage_gib_hours),
    networkInBytes: Number(row.network_in_bytes),
    networkOutBytes: Number(row.network_out_bytes),
    loadSum: Number(row.load_sum),
    loadSamples: Number(row.load_samples),
  };
}
