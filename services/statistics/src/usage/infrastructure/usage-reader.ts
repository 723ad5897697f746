import {
  ValidationFailed,
  type GetUsageQuery,
  type UsageLineView,
  type UsageReport,
} from '@federa/contracts';
import type { Pool } from 'pg';
import { averageLoad } from '../domain/usage-amounts';
import { usageWindow } from '../domain/usage-window';

/** Lines one answer holds at most. */
export const maxUsageLines = 5_000;

/**
 * Answers `getUsage` from the minute rows: per instance and host, over the window asked, refused
 * with the field named when it is not one the minutes kept can answer.
 */
export class UsageReader {
  constructor(
    private readonly pool: Pool,
    private readonly minuteRetentionDays: number,
  ) {}

  async usage(query: GetUsageQuery, now = Date.now()): Promise<UsageReport> {
    const checked = usageWindow(query, now, this.minuteRetentionDays);
    if (!checked.ok) throw new ValidationFailed(checked.errors, 'usage query');
    const { from, to } = checked.window;
    const { rows } = await this.pool.query<{
      instance: string;
      host: string;
      service: string | null;
      app: string | null;
      cpu_seconds: number;
      memory_gib_minutes: number;
      storage_gib_hours: number;
      network_in_bytes: string;
      network_out_bytes: string;
      load_sum: number;
      load_samples: string;
      samples: string;
      minutes: string;
    }>({
      name: 'statistics-usage-report',
      text: `
WITH per AS (
  SELECT instance, host, sum(cpu_seconds) AS cpu_seconds, sum(memory_gib_minutes) AS memory_gib_minutes,
    sum(storage_gib_hours) AS storage_gib_hours, sum(network_in_bytes) AS network_in_bytes,
    sum(network_out_bytes) AS network_out_bytes, sum(load_sum) AS load_sum,
    sum(load_samples) AS load_samples, sum(samples) AS samples, count(*) AS minutes
  FROM statistics.usage_minutes
  WHERE minute >= $1 AND minute < $2 AND ($3::text IS NULL OR host = $3)
  GROUP BY instance, host
), named AS (
  SELECT DISTINCT ON (id) id, service, app FROM statistics.instances
  WHERE id IN (SELECT instance FROM per)
  ORDER BY id, placed_at DESC
)
SELECT per.*, named.service, named.app
FROM per LEFT JOIN named ON named.id = per.instance
WHERE ($4::text IS NULL OR named.service = $4) AND ($5::text IS NULL OR named.app = $5)
ORDER BY named.service NULLS LAST, named.app NULLS LAST, per.instance, per.host
LIMIT $6`,
      values: [
        new Date(from),
        new Date(to),
        query.host ?? null,
        query.service ?? null,
        query.app ?? null,
        maxUsageLines + 1,
      ],
    });
    const lines: UsageLineView[] = rows.slice(0, maxUsageLines).map((r) => ({
      instance: r.instance,
      service: r.service,
      app: r.app,
      host: r.host,
      cpuSeconds: Number(r.cpu_seconds),
      memoryGibMinutes: Number(r.memory_gib_minutes),
      storageGibHours: Number(r.storage_gib_hours),
      networkInBytes: Number(r.network_in_bytes),
      networkOutBytes: Number(r.network_out_bytes),
      load:
        averageLoad({ loadSum: Number(r.load_sum), loadSamples: Number(r.load_samples) }) ?? null,
      minutes: Number(r.minutes),
      samples: Number(r.samples),
    }));
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      lines,
      truncated: rows.length > maxUsageLines,
    };
  }
}
