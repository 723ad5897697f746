import { ValidationFailed } from '../validation/field-error';
import type { EventMetadata, NewEvent } from './envelope';
import { EventTypes, type EventDataOf, type EventTypeName } from './event-registry';
import { validateEvent } from './validate-event';

/** An event ready to append at its type's current schema version; throws ValidationFailed on bad data. */
export function newEvent<T extends EventTypeName>(
  type: T,
  data: EventDataOf<T>,
  metadata: EventMetadata,
  eventId?: string,
): NewEvent<EventDataOf<T>> {
  const schemaVersion = EventTypes[type].schemaVersion;
  const errors = validateEvent(type, schemaVersion, data);
  if (errors.length > 0) throw new ValidationFailed(errors, `${type} event`);
  return { ...(eventId ? { eventId } : {}), type, schemaVersion, data, metadata };
}
