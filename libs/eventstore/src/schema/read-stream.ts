import { eventColumns, queryEventRows, type EventRow } from './event-row';
import type { Queryable } from './queryable';

/** One stream's events from `fromVersion` on, in stream order. */
export function readStreamRows(
  db: Queryable,
  streamId: string,
  fromVersion: number,
): Promise<EventRow[]> {
  return queryEventRows(db, {
    name: 'eventlog.readStream',
    text: `SELECT ${eventColumns} FROM eventlog.events
           WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`,
    values: [streamId, fromVersion],
  });
}
