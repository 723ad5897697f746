import type { EventMetadata, RecordedEvent } from '@federa/contracts';

/** The columns every read selects, in the order of `eventColumns`. */
export interface EventRow {
  position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

export const eventColumns =
  'position, transaction_id, stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at';

/** A row as the contract's RecordedEvent (numbers for position and version, ISO time). */
export function recordedEventOfRow(row: EventRow): RecordedEvent {
  return {
    position: Number(row.position),
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    eventId: row.event_id,
    recordedAt: row.recorded_at.toISOString(),
  };
}
