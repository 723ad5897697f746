/** Who and why, carried by every event in its `metadata`. */
export interface EventMetadata {
  correlationId: string;
  causationId?: string;
  actor: string;
  /** ISO-8601 time at which the deciding code observed the change. */
  occurredAt: string;
  [key: string]: unknown;
}

/** An event about to be appended; the store assigns position, version and recordedAt. */
export interface NewEvent<D = unknown> {
  /** UUID; re-sending the same id is idempotent. Generated when absent. */
  eventId?: string;
  type: string;
  /** @default the latest schema version of the type */
  schemaVersion?: number;
  data: D;
  metadata: EventMetadata;
}

/** An event as stored in the log and as the API serves it (docs/reference/events.md). */
export interface RecordedEvent<D = unknown> {
  position: number;
  streamId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  data: D;
  metadata: EventMetadata;
  eventId: string;
  recordedAt: string;
}

/** `host-mph-1` → `host`: the category of a stream, used in NATS subjects. */
export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
}
