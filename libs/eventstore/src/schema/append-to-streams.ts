import type { CheckedEvent } from '../validation/check-new-events';
import type { Queryable } from './queryable';

/** One stream's part of a multi-stream append, its events already checked. */
export interface CheckedStreamAppend {
  streamId: string;
  category: string;
  /** null: append whatever the stream's version ('any'). */
  expectedVersion: number | null;
  events: CheckedEvent[];
}

/**
 * Appends to several streams in one statement (one round trip, atomic without an explicit
 * transaction). Each stream's current version is read first; when any stream with an expected
 * version is elsewhere, nothing is inserted and those streams come back as conflicts. A concurrent
 * writer taking the same version makes the statement fail with 23505 and insert nothing. Positions
 * follow stream id order, then each stream's order.
 */
export const appendToStreamsSql = `
WITH wanted AS (
  SELECT w.stream_id, w.expected
  FROM unnest($1::text[], $2::bigint[]) AS w(stream_id, expected)
), current AS (
  SELECT wanted.stream_id, wanted.expected,
    coalesce((SELECT max(e.stream_version) FROM eventlog.events e WHERE e.stream_id = wanted.stream_id), 0) AS version
  FROM wanted
), conflicts AS (
  SELECT stream_id, version FROM current WHERE expected IS NOT NULL AND expected <> version
), inserted AS (
  INSERT INTO eventlog.events
    (stream_id, stream_category, stream_version, event_id, type, schema_version, data, metadata)
  SELECT b.s, b.c, current.version + b.n, b.i, b.t, b.v, b.d, b.m
  FROM jsonb_to_recordset($3::text::jsonb)
      AS b(o int, s text, c text, n int, i uuid, t text, v int, d jsonb, m jsonb)
    JOIN current ON current.stream_id = b.s
  WHERE NOT EXISTS (SELECT 1 FROM conflicts)
  ORDER BY b.o
  RETURNING stream_id, stream_version, position
)
SELECT true AS conflict, stream_id, version, 0::bigint AS position FROM conflicts
UNION ALL
SELECT false, stream_id, max(stream_version), max(position) FROM inserted GROUP BY stream_id`;

/** One row as the statement reads it from its JSON parameter (short keys: the document is big). */
interface EventRowIn {
  o: number;
  s: string;
  c: string;
  n: number;
  i: string;
  t: string;
  v: number;
  d: unknown;
  m: unknown;
}

export type StreamsAppendOutcome =
  | { appended: true; streams: Map<string, { lastVersion: number; lastPosition: number }> }
  | { appended: false; conflicts: Map<string, number> };

/**
 * The rows of a multi-stream append as the statement reads them: one JSON document, as UTF-8 bytes. It
 * does not depend on the expected versions, so it can be printed before they are known.
 */
export function printStreamAppends(appends: readonly CheckedStreamAppend[]): Buffer {
  // Rows go in by stream id, whatever the order given: two batches waiting on each other's uncommitted
  // versions then always wait in the same order, so they cannot deadlock.
  const byStream = [...appends].sort((x, y) =>
    x.streamId < y.streamId ? -1 : x.streamId > y.streamId ? 1 : 0,
  );
  const rows: EventRowIn[] = [];
  for (const append of byStream) {
    append.events.forEach((e, i) => {
      rows.push({
        o: rows.length,
        s: append.streamId,
        c: append.category,
        n: i + 1,
        i: e.eventId,
        t: e.type,
        v: e.schemaVersion,
        d: e.data,
        m: e.metadata,
      });
    });
  }
  // One JSON document for every row: parsed once by the server, printed by one native JSON.stringify,
  // about twice as fast as eight parameter arrays (each JSON escaped again inside a text[] literal).
  // Sent as its UTF-8 bytes (a Buffer goes out as is, in binary format: for text, the bytes): a
  // string the driver would measure and then encode, two passes over megabytes per round.
  return Buffer.from(JSON.stringify(rows));
}

/**
 * Each stream's last version and position after the append, or the versions of the streams that
 * conflicted. `printed` is `printStreamAppends(appends)`, when printed already.
 */
export async function appendToStreams(
  db: Queryable,
  appends: CheckedStreamAppend[],
  printed: Buffer = printStreamAppends(appends),
): Promise<StreamsAppendOutcome> {
  const result = await db.query<{
    conflict: boolean;
    stream_id: string;
    version: string;
    position: string;
  }>({
    name: 'eventlog.appendToStreams',
    text: appendToStreamsSql,
    values: [appends.map((a) => a.streamId), appends.map((a) => a.expectedVersion), printed],
  });
  const conflicts = new Map<string, number>();
  const streams = new Map<string, { lastVersion: number; lastPosition: number }>();
  for (const row of result.rows) {
    if (row.conflict) conflicts.set(row.stream_id, Number(row.version));
    else
      streams.set(row.stream_id, {
        lastVersion: Number(row.version),
        lastPosition: Number(row.position),
      });
  }
  return conflicts.size > 0 ? { appended: false, conflicts } : { appended: true, streams };
}
