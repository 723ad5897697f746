import type { LogCheckpoint } from '../event-store';
import type { Queryable } from './queryable';

/**
 * The reader checkpoint that corresponds to "after position P" (the REST API's `after`): exact when P is
 * an event; otherwise the earliest transaction that may still hold a later position, so nothing is skipped.
 */
const sql = `
SELECT coalesce(
  (SELECT transaction_id::text || ':' || position FROM eventlog.events WHERE position = $1),
  (SELECT least(min(transaction_id), pg_snapshot_xmin(pg_current_snapshot()))::text || ':0'
     FROM eventlog.events WHERE position > $1)
) AS checkpoint`;

export async function checkpointAfterPosition(
  db: Queryable,
  position: number,
): Promise<LogCheckpoint | null> {
  if (position <= 0) return null;
  const result = await db.query<{ checkpoint: string }>({
    name: 'eventlog.checkpointAfterPosition',
    text: sql,
    values: [position],
  });
  const [transactionId, at] = result.rows[0].checkpoint.split(':');
  return { transactionId, position: Number(at) };
}
