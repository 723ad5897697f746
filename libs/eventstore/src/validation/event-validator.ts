import type { FieldError, RecordedEvent } from '@federa/contracts';

/** The verdict on one event's data: its schema version (the latest when the writer gave none), or every error. */
export type EventCheck = { ok: true; schemaVersion: number } | { ok: false; errors: FieldError[] };

/** Checks an event against the contracts registry; paths are relative to the event (`data.host`, `type`). */
export type EventValidator = (event: {
  type: string;
  schemaVersion?: number;
  data: unknown;
}) => EventCheck;

/** Brings a stored event to the latest schema version of its type (identity when already latest). */
export type EventUpcaster = (event: RecordedEvent) => RecordedEvent;

/** For tests and tools that log free-form events: any object as data, schema version 1 unless given. */
export const acceptAnyObject: EventValidator = ({ schemaVersion, data }) =>
  data !== null && typeof data === 'object' && !Array.isArray(data)
    ? { ok: true, schemaVersion: schemaVersion ?? 1 }
    : { ok: false, errors: [{ path: 'data', reason: 'must be an object' }] };

export const noUpcast: EventUpcaster = (event) => event;
