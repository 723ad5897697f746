import { eventColumns, queryEventRows, type EventRow } from './event-row';
import type { Queryable } from './queryable';

/**
 * The whole log after ($1 transaction id, $2 position) in (transaction_id, position) order, showing only
 * transactions older than every transaction still in flight: an open transaction that took a lower
 * position cannot commit behind what was read, so a reader that checkpoints by (transaction_id,
 * position) never skips. Both conditions are conditions of the index events_transaction_position.
 */
export const readAllQuery = `
SELECT ${eventColumns} FROM eventlog.events
WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY transaction_id, position`;

/** The next page of readAllQuery. */
export function readAllRows(
  db: Queryable,
  afterTransactionId: string,
  afterPosition: number,
  limit: number,
): Promise<EventRow[]> {
  return queryEventRows(db, {
    name: 'eventlog.readAll',
    text: `${readAllQuery} LIMIT $3`,
    values: [afterTransactionId, afterPosition, limit],
  });
}

/**
 * readAllQuery for the events of one actor (`metadata.actor`, exactly): $4 the actor. The index
 * events_actor_transaction_position serves it in order, so a rare actor costs no scan of the log.
 */
export const readAllOfActorQuery = `
SELECT ${eventColumns} FROM eventlog.events
WHERE (metadata->>'actor') = $4
  AND (transaction_id, position) > ($1::xid8, $2::bigint)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY (metadata->>'actor'), transaction_id, position`;

/** The next page of readAllOfActorQuery. */
export function readAllOfActorRows(
  db: Queryable,
  afterTransactionId: string,
  afterPosition: number,
  limit: number,
  actor: string,
): Promise<EventRow[]> {
  return queryEventRows(db, {
    name: 'eventlog.readAllOfActor',
    text: `${readAllOfActorQuery} LIMIT $3`,
    values: [afterTransactionId, afterPosition, limit, actor],
  });
}
