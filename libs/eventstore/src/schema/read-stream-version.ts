import type { Queryable } from './queryable';

/** The stream's current version: its last event's stream_version, 0 when it has none. */
export async function readStreamVersion(db: Queryable, streamId: string): Promise<number> {
  const result = await db.query<{ version: string }>({
    name: 'eventlog.readStreamVersion',
    text: `SELECT coalesce(max(stream_version), 0) AS version FROM eventlog.events WHERE stream_id = $1`,
    values: [streamId],
  });
  return Number(result.rows[0].version);
}
