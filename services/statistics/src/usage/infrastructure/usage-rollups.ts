import type { Pool, PoolClient } from 'pg';
import type { UsageConfig } from '../usage-config';

const dayMs = 86_400_000;

const columns = [
  'cpu_seconds',
  'memory_gib_minutes',
  'storage_gib_hours',
  'network_in_bytes',
  'network_out_bytes',
  'load_sum',
  'load_samples',
  'samples',
  'instance_minutes',
];
/** The sums of the columns above, named as them (`of`: a table alias). */
const sums = (of: string) => columns.map((c) => `sum(${of}.${c}) AS ${c}`).join(', ');

/**
 * An hour's rollups, recomputed whole from its minute rows: per instance and host it ran on, host, application
 * (`<service>/<app>`), service and site. Service and application come from the catalogue's
 * placement intervals of the instance, the site from the host's row; a minute whose instance or
 * host the catalogue does not know yet counts for the instance and host only, until a later
 * recomputation (the next change to that hour, or a rebuild) finds them.
 */
const hourSql = `
WITH per AS (
  SELECT instance, host, ${sums('m').replace('sum(m.instance_minutes)', 'count(*)')}
  FROM statistics.usage_minutes m
  WHERE minute >= $1::timestamptz AND minute < $1::timestamptz + interval '1 hour'
  GROUP BY instance, host
), named AS (
  SELECT DISTINCT ON (id) id, service, app FROM statistics.instances
  WHERE id IN (SELECT instance FROM per)
  ORDER BY id, placed_at DESC
), labelled AS (
  SELECT per.*, named.service, named.app, hosts.site
  FROM per
  LEFT JOIN named ON named.id = per.instance
  LEFT JOIN statistics.hosts hosts ON hosts.id = per.host
)
INSERT INTO statistics.usage_hourly (scope, subject, host, start, ${columns.join(', ')})
SELECT g.scope, g.subject, g.host, $1::timestamptz, ${sums('labelled')}
FROM labelled CROSS JOIN LATERAL (VALUES
  ('instance', labelled.instance, labelled.host),
  ('host', labelled.host, ''),
  ('application', labelled.service || '/' || labelled.app, ''),
  ('service', labelled.service, ''),
  ('site', labelled.site, '')
) AS g(scope, subject, host)
WHERE g.subject IS NOT NULL
GROUP BY g.scope, g.subject, g.host`;

const daySql = `
INSERT INTO statistics.usage_daily (scope, subject, host, start, ${columns.join(', ')})
SELECT h.scope, h.subject, h.host, $1::timestamptz, ${sums('h')}
FROM statistics.usage_hourly h
WHERE h.start >= $1::timestamptz AND h.start < $1::timestamptz + interval '1 day'
GROUP BY h.scope, h.subject, h.host`;

/**
 * Keeps the hourly and daily rollups in step with the minute rows, and applies retention. Every
 * recomputation replaces an hour's (and its day's) rows whole, from the minutes alone: a rebuild
 * gives the same rows as the running service did.
 */
export class UsageRollups {
  constructor(
    private readonly pool: Pool,
    private readonly config: Pick<
      UsageConfig,
      'minuteRetentionDays' | 'hourlyRetentionDays' | 'dailyRetentionDays'
    >,
  ) {}

  /** Recomputes every hour whose minutes changed since its last recomputation; answers how many. */
  async refresh(now = Date.now(), limit = 200): Promise<number> {
    // touched_at as text: a JS Date would drop its microseconds, and never match again.
    const { rows } = await this.pool.query<{ hour: Date; touched_at: string }>(
      'SELECT hour, touched_at::text FROM statistics.usage_dirty_hours ORDER BY hour LIMIT $1',
      [limit],
    );
    const minutesKeptFrom = now - this.config.minuteRetentionDays * dayMs;
    for (const { hour, touched_at: touchedAt } of rows) {
      await this.transaction(async (client) => {
        // An hour whose minutes retention removed keeps the rollups it had.
        if (hour.getTime() >= minutesKeptFrom) await this.recomputeHour(client, hour);
        await client.query(
          'DELETE FROM statistics.usage_dirty_hours WHERE hour = $1 AND touched_at = $2::timestamptz',
          [hour, touchedAt],
        );
      });
    }
    return rows.length;
  }

  /** Marks every hour that still has minute rows for recomputation, then recomputes them all. */
  async rebuild(now = Date.now()): Promise<void> {
    await this.pool.query(`
INSERT INTO statistics.usage_dirty_hours (hour, touched_at)
SELECT hour, clock_timestamp() FROM (
  SELECT DISTINCT date_trunc('hour', minute AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour
  FROM statistics.usage_minutes
) AS hours
ON CONFLICT (hour) DO UPDATE SET touched_at = EXCLUDED.touched_at`);
    while ((await this.refresh(now)) > 0);
  }

  /** Deletes what is older than each retention (minutes, hourly rollups, daily rollups if set). */
  async applyRetention(now = Date.now()): Promise<void> {
    const before = (days: number) => new Date(now - days * dayMs);
    await this.pool.query('DELETE FROM statistics.usage_minutes WHERE minute < $1', [
      before(this.config.minuteRetentionDays),
    ]);
    await this.pool.query('DELETE FROM statistics.usage_hourly WHERE start < $1', [
      before(this.config.hourlyRetentionDays),
    ]);
    if (this.config.dailyRetentionDays > 0) {
      await this.pool.query('DELETE FROM statistics.usage_daily WHERE start < $1', [
        before(this.config.dailyRetentionDays),
      ]);
    }
  }

  private async recomputeHour(client: PoolClient, hour: Date): Promise<void> {
    // One recomputation at a time (a rebuild may run beside the service's own rounds).
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('federa.statistics.usage-rollups'))`);
    await client.query('DELETE FROM statistics.usage_hourly WHERE start = $1', [hour]);
    await client.query({ name: 'statistics-usage-hour-rollup', text: hourSql, values: [hour] });
    const day = new Date(hour.getTime() - (hour.getTime() % dayMs));
    await client.query('DELETE FROM statistics.usage_daily WHERE start = $1', [day]);
    await client.query({ name: 'statistics-usage-day-rollup', text: daySql, values: [day] });
  }

  private async transaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
