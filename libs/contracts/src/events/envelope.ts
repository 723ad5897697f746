/** Who and why, carried by every event in its `metadata`. */
export interface EventMetadata {
  correlationId: string;
  /** The `eventId` of the event that caused this one, when an event did. */
  causationId?: string;
  /**
   * Who caused it (docs/security/audit.md): `token:<name>` for an API caller, `agent:<host>` for an
   * agent's observation, the service's name for a decision of its own.
   */
  actor: string;
  /** The role of the token `actor` names, when it names one. */
  actorRole?: string;
  /** The service that decided the change and appended the event. */
  decidedBy?: string;
  /** ISO-8601 time at which the deciding code observed the change. */
  occurredAt: string;
  /**
   * The W3C trace context of the span that appended it (`00-<trace id>-<span id>-<flags>`), when the
   * appending process traces: what the event causes, later and elsewhere, joins the same trace.
   */
  traceparent?: string;
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
