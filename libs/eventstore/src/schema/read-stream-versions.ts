import type { Queryable } from './queryable';

/** Each stream's current version (0 when it has no event), in one query. */
export async function readStreamVersions(
  db: Queryable,
  streamIds: string[],
): Promise<Map<string, number>> {
  const result = await db.query<{ stream_id: string; version: string }>({
    name: 'eventlog.readStreamVersions',
    text: `SELECT s.stream_id,
             coalesce((SELECT max(e.stream_version) FROM eventlog.events e WHERE e.stream_id = s.stream_id), 0) AS version
           FROM unnest($1::text[]) AS s(stream_id)`,
    values: [streamIds],
  });
  return new Map(result.rows.map((r) => [r.stream_id, Number(r.version)]));
}
