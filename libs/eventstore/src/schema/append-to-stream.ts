import type { CheckedEvent } from '../validation/check-new-events';
import type { Queryable } from './queryable';

/**
 * Appends a batch in one statement (so one round trip, atomic without an explicit transaction):
 * versions continue from the stream's current one, and nothing is inserted when `expectedVersion`
 * is given and differs. A concurrent writer of the same version makes it fail with 23505.
 */
const sql = `
WITH current AS (
  SELECT coalesce(max(stream_version), 0) AS version FROM eventlog.events WHERE stream_id = $1
)
INSERT INTO eventlog.events
  (stream_id, stream_category, stream_version, event_id, type, schema_version, data, metadata)
SELECT $1, $2, current.version + batch.n, batch.event_id, batch.type, batch.schema_version, batch.data, batch.metadata
FROM current,
  unnest($3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])
    WITH ORDINALITY AS batch(event_id, type, schema_version, data, metadata, n)
WHERE $8::bigint IS NULL OR current.version = $8::bigint
ORDER BY batch.n
RETURNING position, stream_version`;

/** The appended rows' last position and version, or undefined when the expected version did not match. */
export async function appendToStream(
  db: Queryable,
  streamId: string,
  category: string,
  expectedVersion: number | null,
  events: CheckedEvent[],
): Promise<{ lastPosition: number; lastVersion: number } | undefined> {
  const result = await db.query<{ position: string; stream_version: string }>({
    name: 'eventlog.appendToStream',
    text: sql,
    values: [
      streamId,
      category,
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => e.schemaVersion),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
      expectedVersion,
    ],
  });
  if (result.rows.length === 0) return undefined;
  let lastPosition = 0;
  let lastVersion = 0;
  for (const row of result.rows) {
    lastPosition = Math.max(lastPosition, Number(row.position));
    lastVersion = Math.max(lastVersion, Number(row.stream_version));
  }
  return { lastPosition, lastVersion };
}
