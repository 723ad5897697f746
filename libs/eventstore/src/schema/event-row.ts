import type { EventMetadata, RecordedEvent } from '@federa/contracts';
import type { CustomTypesConfig, QueryArrayConfig, QueryConfig } from 'pg';
import type { Queryable } from './queryable';

/**
 * The columns every read selects, as the array `EventRow`. The time comes printed as `toISOString()`
 * would print it (UTC, milliseconds truncated as a Date keeps them): reading a long log is bound by the
 * client's CPU, and parsing a Date per row only to print it again cost more there than to_char costs
 * the server.
 */
export const eventColumns = `position, transaction_id, stream_id, stream_version, event_id, type, schema_version,
  data, metadata, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** One row of `eventColumns` (rowMode 'array': no object per row, only the RecordedEvent built from it). */
export type EventRow = [
  position: number,
  transactionId: string,
  streamId: string,
  streamVersion: number,
  eventId: string,
  type: string,
  schemaVersion: number,
  data: unknown,
  metadata: EventMetadata,
  recordedAt: string,
];

const bigintOid = 20;
const integerOid = 23;
const jsonOid = 114;
const jsonbOid = 3802;
const asText = (value: string) => value;

/** Parsers for the row's columns: numbers as numbers (positions stay far below 2^53), JSON parsed, the rest text. */
const eventRowTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number) => {
    if (oid === bigintOid || oid === integerOid) return Number;
    if (oid === jsonbOid || oid === jsonOid) return JSON.parse;
    return asText;
  }) as CustomTypesConfig['getTypeParser'],
};

/** Runs a query selecting `eventColumns` and returns its rows as EventRow. */
export async function queryEventRows(
  db: Queryable,
  query: Pick<QueryConfig, 'name' | 'text' | 'values'>,
): Promise<EventRow[]> {
  const config: QueryArrayConfig = { ...query, rowMode: 'array', types: eventRowTypes };
  const result = await db.query(config);
  return result.rows as unknown as EventRow[];
}

/** A row as the contract's RecordedEvent. */
export function recordedEventOfRow(row: EventRow): RecordedEvent {
  return {
    position: row[0],
    streamId: row[2],
    streamVersion: row[3],
    type: row[5],
    schemaVersion: row[6],
    data: row[7],
    metadata: row[8],
    eventId: row[4],
    recordedAt: row[9],
  };
}

/** The row's place in the log, for a reader's checkpoint. */
export function checkpointOfRow(row: EventRow): { transactionId: string; position: number } {
  return { transactionId: row[1], position: row[0] };
}
