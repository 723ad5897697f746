import { eventColumns, type EventRow } from './event-row';
import type { Queryable } from './queryable';

/**
 * The next page of the whole log in (transaction_id, position) order, showing only transactions older
 * than every transaction still in flight: an open transaction that took a lower position cannot commit
 * behind the returned page, so a reader that checkpoints by (transaction_id, position) never skips.
 */
const sql = `
SELECT ${eventColumns} FROM eventlog.events
WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY transaction_id, position
LIMIT $3`;

export async function readAllRows(
  db: Queryable,
  afterTransactionId: string,
  afterPosition: number,
  limit: number,
): Promise<EventRow[]> {
  const result = await db.query<EventRow>({
    name: 'eventlog.readAll',
    text: sql,
    values: [afterTransactionId, afterPosition, limit],
  });
  return result.rows;
}
