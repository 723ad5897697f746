import type { Pool } from 'pg';
import type { UsageBatch } from '../domain/minute-accumulator';
import { hourMs } from '../domain/usage-hour';

/**
 * Writes a batch of counted heartbeats in one transaction: the minutes (added to what is there,
 * one multi-row upsert), the heartbeat marks that make replays recognisable, and the hours whose
 * rollups and UsageRecorded are now out of date. Minutes and marks commit together, so a heartbeat is either counted
 * and marked, or neither.
 */
export async function writeUsageBatch(pool: Pool, batch: UsageBatch): Promise<void> {
  if (batch.minutes.length === 0 && batch.marks.length === 0) return;
  const m = batch.minutes;
  const hours = [...new Set(m.map((row) => row.minute - (row.minute % hourMs)))];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (m.length > 0) {
      await client.query({
        name: 'statistics-usage-minutes-upsert',
        text: `
INSERT INTO statistics.usage_minutes AS u (instance, minute, host, cpu_seconds, memory_gib_minutes,
  storage_gib_hours, network_in_bytes, network_out_bytes, load_sum, load_samples, samples)
SELECT i, to_timestamp(t / 1000.0), h, c, mem, st, ni, no, ls, ln, s
FROM unnest($1::text[], $2::bigint[], $3::text[], $4::float8[], $5::float8[], $6::float8[],
  $7::bigint[], $8::bigint[], $9::float8[], $10::int[], $11::int[])
  AS x(i, t, h, c, mem, st, ni, no, ls, ln, s)
ON CONFLICT (instance, minute, host) DO UPDATE SET
  cpu_seconds = u.cpu_seconds + EXCLUDED.cpu_seconds,
  memory_gib_minutes = u.memory_gib_minutes + EXCLUDED.memory_gib_minutes,
  storage_gib_hours = u.storage_gib_hours + EXCLUDED.storage_gib_hours,
  network_in_bytes = u.network_in_bytes + EXCLUDED.network_in_bytes,
  network_out_bytes = u.network_out_bytes + EXCLUDED.network_out_bytes,
  load_sum = u.load_sum + EXCLUDED.load_sum,
  load_samples = u.load_samples + EXCLUDED.load_samples,
  samples = u.samples + EXCLUDED.samples`,
        values: [
          m.map((r) => r.instance),
          m.map((r) => r.minute),
          m.map((r) => r.host),
          m.map((r) => r.cpuSeconds),
          m.map((r) => r.memoryGibMinutes),
          m.map((r) => r.storageGibHours),
          m.map((r) => Math.round(r.networkInBytes)),
          m.map((r) => Math.round(r.networkOutBytes)),
          m.map((r) => r.loadSum),
          m.map((r) => r.loadSamples),
          m.map((r) => r.samples),
        ],
      });
      // Out of date: the hours' rollups, and their UsageRecorded once they close.
      for (const table of ['usage_dirty_hours', 'usage_unrecorded_hours']) {
        await client.query({
          name: `statistics-${table}`,
          text: `
INSERT INTO statistics.${table} (hour, touched_at)
SELECT to_timestamp(t / 1000.0), clock_timestamp() FROM unnest($1::bigint[]) AS x(t)
ON CONFLICT (hour) DO UPDATE SET touched_at = EXCLUDED.touched_at`,
          values: [hours],
        });
      }
    }
    if (batch.marks.length > 0) {
      await client.query({
        name: 'statistics-usage-marks-upsert',
        text: `
INSERT INTO statistics.usage_heartbeat_marks AS k (host, epoch, seq)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
ON CONFLICT (host) DO UPDATE SET epoch = EXCLUDED.epoch, seq = EXCLUDED.seq
  WHERE (EXCLUDED.epoch, EXCLUDED.seq) > (k.epoch, k.seq)`,
        values: [
          batch.marks.map((k) => k.host),
          batch.marks.map((k) => k.epoch),
          batch.marks.map((k) => k.seq),
        ],
      });
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Every host's latest run and heartbeat counted, for a process taking over the ingest. */
export async function readHeartbeatMarks(
  pool: Pool,
): Promise<Array<{ host: string; epoch: number; seq: number }>> {
  const { rows } = await pool.query<{ host: string; epoch: string; seq: string }>(
    'SELECT host, epoch, seq FROM statistics.usage_heartbeat_marks',
  );
  return rows.map((r) => ({ host: r.host, epoch: Number(r.epoch), seq: Number(r.seq) }));
}
