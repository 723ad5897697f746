import type { Queryable } from './queryable';

export interface StoredEventIdentity {
  eventId: string;
  streamId: string;
  streamVersion: number;
  position: number;
}

/** Where each of these event ids already sits in the log (absent ids are left out). */
export async function findEventsById(
  db: Queryable,
  eventIds: string[],
): Promise<StoredEventIdentity[]> {
  const result = await db.query<{
    event_id: string;
    stream_id: string;
    stream_version: string;
    position: string;
  }>({
    name: 'eventlog.findEventsById',
    text: `SELECT event_id, stream_id, stream_version, position FROM eventlog.events
           WHERE event_id = ANY($1::uuid[])`,
    values: [eventIds],
  });
  return result.rows.map((r) => ({
    eventId: r.event_id,
    streamId: r.stream_id,
    streamVersion: Number(r.stream_version),
    position: Number(r.position),
  }));
}
