import { ValidationFailed, type FieldError, type NewEvent } from '@federa/contracts';
import type { EventValidator } from './event-validator';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const typePattern = /^[A-Z][A-Za-z0-9]{0,99}$/;
const streamIdPattern = /^[a-z][a-z0-9]*-[A-Za-z0-9._:@-]{1,200}$/;

/** One event ready for the INSERT: the envelope checked, its schema version settled. */
export interface CheckedEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: NewEvent['metadata'];
}

/**
 * Checks a batch before it touches the database; throws ValidationFailed listing every error (paths
 * `events[i]...`). `metadataVerdicts` keeps each metadata object's verdict for the rest of the call:
 * writers share one object between the events of a batch, and it cannot change meanwhile.
 */
export function checkNewEvents(
  streamId: string,
  events: NewEvent[],
  validate: EventValidator,
  newId: () => string,
  metadataVerdicts = new Map<unknown, FieldError[]>(),
): CheckedEvent[] {
  const errors: FieldError[] = [];
  if (!streamIdPattern.test(streamId)) {
    errors.push({ path: 'streamId', reason: 'must look like category-id (category: a-z0-9)' });
  }
  if (!Array.isArray(events) || events.length === 0) {
    errors.push({ path: 'events', reason: 'must be a non-empty array' });
    throw new ValidationFailed(errors, 'events');
  }
  const seen = new Set<string>();
  const checked = events.map((event, i): CheckedEvent => {
    const at = `events[${i}]`;
    const eventId = event?.eventId ?? newId();
    if (!uuidPattern.test(eventId))
      errors.push({ path: `${at}.eventId`, reason: 'must be a UUID' });
    else if (seen.has(eventId.toLowerCase())) {
      errors.push({ path: `${at}.eventId`, reason: 'appears twice in the batch' });
    }
    seen.add(eventId.toLowerCase());
    if (typeof event?.type !== 'string' || !typePattern.test(event.type)) {
      errors.push({ path: `${at}.type`, reason: 'must be a PascalCase event type' });
    }
    let metadataErrors = metadataVerdicts.get(event?.metadata);
    if (!metadataErrors) {
      metadataErrors = checkMetadata(event?.metadata);
      metadataVerdicts.set(event?.metadata, metadataErrors);
    }
    for (const e of metadataErrors) {
      errors.push({
        path: e.path ? `${at}.metadata.${e.path}` : `${at}.metadata`,
        reason: e.reason,
      });
    }
    let schemaVersion = 0;
    if (typeof event?.type === 'string') {
      const verdict = validate({
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
      });
      if (verdict.ok) schemaVersion = verdict.schemaVersion;
      else {
        for (const e of verdict.errors) {
          errors.push({ path: e.path ? `${at}.${e.path}` : at, reason: e.reason });
        }
      }
    }
    return {
      eventId: eventId.toLowerCase(),
      type: event?.type,
      schemaVersion,
      data: event?.data,
      metadata: event?.metadata,
    };
  });
  if (errors.length > 0) throw new ValidationFailed(errors, 'events');
  return checked;
}

/** The metadata's errors, paths relative to it. */
function checkMetadata(metadata: unknown): FieldError[] {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    return [{ path: '', reason: 'must be an object' }];
  }
  const m = metadata as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (typeof m.correlationId !== 'string' || m.correlationId === '') {
    errors.push({ path: 'correlationId', reason: 'must be a non-empty string' });
  }
  if (m.causationId !== undefined && typeof m.causationId !== 'string') {
    errors.push({ path: 'causationId', reason: 'must be a string' });
  }
  if (typeof m.actor !== 'string' || m.actor === '') {
    errors.push({ path: 'actor', reason: 'must be a non-empty string' });
  }
  if (typeof m.occurredAt !== 'string' || Number.isNaN(Date.parse(m.occurredAt))) {
    errors.push({ path: 'occurredAt', reason: 'must be an ISO-8601 time' });
  }
  return errors;
}
