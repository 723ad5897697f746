import type { Pool } from 'pg';

/**
 * How far before `from` the search for its position starts: `recorded_at` is when an event's
 * transaction began, so positions are in time order only up to the length of a transaction.
 */
const transactionSlackMs = 60_000;

/**
 * A log position after which every event recorded at or after `from` lies (0: the whole log): the
 * last position recorded before `from` less a minute, found by bisecting positions (each probe one
 * primary-key lookup, about 20 for a million events) since no index orders the log by time.
 */
export async function positionBeforeTime(pool: Pool, from: string): Promise<number> {
  const before = new Date(Date.parse(from) - transactionSlackMs).toISOString();
  const { rows } = await pool.query<{ low: string | null; high: string | null }>(
    'SELECT min(position)::text AS low, max(position)::text AS high FROM eventlog.events',
  );
  if (rows[0].low === null || rows[0].high === null) return 0;
  // Invariant: the events at or below `low` were recorded before `before`; at or above `high`, not.
  let low = Number(rows[0].low) - 1;
  let high = Number(rows[0].high) + 1;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const probe = await pool.query<{ position: string; early: boolean }>({
      name: 'gateway.positionBeforeTime',
      text: `SELECT position::text, recorded_at < $2::timestamptz AS early FROM eventlog.events
             WHERE position >= $1 ORDER BY position LIMIT 1`,
      values: [middle, before],
    });
    const found = probe.rows[0];
    if (!found) high = middle;
    else if (found.early) low = Number(found.position);
    else high = middle;
  }
  return Math.max(0, low);
}
