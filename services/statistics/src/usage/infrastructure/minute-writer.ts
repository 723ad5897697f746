import type { Pool, PoolClient } from 'pg';
import { uncoveredPart } from '../domain/covered-batch';
import type { UsageBatch } from '../domain/minute-accumulator';
import { hourMs } from '../domain/usage-hour';

/** Byte counts are kept at most this (below bigint's 9.22e18) rather than failing the flush. */
const maxStoredBytes = 9e18;

/** A flush refused because another replica took over the counting since this one did. */
export class UsageTermEnded extends Error {
  constructor(
    readonly term: number,
    readonly latest: number,
  ) {
    super(`usage term ${term} ended: another replica counts heartbeats now (term ${latest})`);
  }
}

/**
 * Whether a failed write can never succeed as it is (bad data, a constraint), rather than a
 * connection or a server that may come back: Postgres' SQLSTATE classes 22 and 23.
 */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * Raises the usage leader's term and answers it: from now on only this replica's flushes write.
 * Called before the marks are read, so that every flush of the deposed leader either committed
 * before (and its marks are read) or is refused.
 */
export async function takeUsageTerm(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ term: string }>(
    `INSERT INTO statistics.usage_leader_term AS t (id, term) VALUES (true, 1)
     ON CONFLICT (id) DO UPDATE SET term = t.term + 1 RETURNING term`,
  );
  return Number(rows[0].term);
}

/**
 * Writes a batch of counted heartbeats in one transaction: the minutes (added to what is there,
 * one multi-row upsert), the heartbeat marks that make replays recognisable, and the hours whose
 * rollups and UsageRecorded are now out of date. Minutes and marks commit together, so a heartbeat
 * is either counted and marked, or neither. Only while `term` is the latest (else UsageTermEnded),
 * and only the hosts the stored marks do not cover yet (a batch written again after a COMMIT that
 * succeeded but reported an error adds nothing). Answers the heartbeats written.
 */
export async function writeUsageBatch(
  pool: Pool,
  batch: UsageBatch,
  term: number,
): Promise<number> {
  if (batch.minutes.length === 0 && batch.marks.length === 0) return 0;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // The term row locked until COMMIT: a replica taking over waits for this flush, then ends it.
    const latest = Number(
      (
        await client.query<{ term: string }>(
          'SELECT term FROM statistics.usage_leader_term WHERE id FOR UPDATE',
        )
      ).rows[0]?.term ?? 0,
    );
    if (latest !== term) throw new UsageTermEnded(term, latest);
    const part = uncoveredPart(batch, await storedMarks(client, batch));
    await writeMinutesAndMarks(client, part);
    await client.query('COMMIT');
    return part.heartbeats;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function storedMarks(
  client: PoolClient,
  batch: UsageBatch,
): Promise<Map<string, { epoch: number; seq: number }>> {
  // Sorted: two writers locking the same hosts in one order cannot deadlock.
  const hosts = batch.marks.map((k) => k.host).sort();
  const { rows } = await client.query<{ host: string; epoch: string; seq: string }>({
    name: 'statistics-usage-marks-lock',
    text: `SELECT host, epoch, seq FROM statistics.usage_heartbeat_marks
           WHERE host = ANY($1::text[]) ORDER BY host FOR UPDATE`,
    values: [hosts],
  });
  return new Map(rows.map((r) => [r.host, { epoch: Number(r.epoch), seq: Number(r.seq) }]));
}

async function writeMinutesAndMarks(client: PoolClient, batch: UsageBatch): Promise<void> {
  const m = batch.minutes;
  const hours = [...new Set(m.map((row) => row.minute - (row.minute % hourMs)))];
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
  network_in_bytes = least(u.network_in_bytes::numeric + EXCLUDED.network_in_bytes, ${maxStoredBytes})::bigint,
  network_out_bytes = least(u.network_out_bytes::numeric + EXCLUDED.network_out_bytes, ${maxStoredBytes})::bigint,
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
        m.map((r) => storedBytes(r.networkInBytes)),
        m.map((r) => storedBytes(r.networkOutBytes)),
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
}

/** A byte count as Postgres' bigint takes it: whole, and never written as 1e+21. */
function storedBytes(bytes: number): string {
  return BigInt(Math.min(Math.round(bytes), maxStoredBytes)).toString();
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
