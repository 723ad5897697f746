import { currentSchemaVersion, upcast, validateEvent } from '@federa/contracts';
import type { EventUpcaster, EventValidator } from './event-validator';

/**
 * The event check of every store (Postgres, in memory) and every service: the contracts registry.
 * - An event written without a schema version is at its type's current version: the writer is this
 *   build. (Defaulting to 1 instead would check, and store, a current event as its first version.)
 * - An older version is upcast and checked as the current one, and stored as written.
 * - An unknown type, a version from the future or data that breaks its class is refused, each error
 *   with its path from the event (`type`, `schemaVersion`, `data.host`).
 */
export const contractsEventValidator: EventValidator = ({ type, schemaVersion, data }) => {
  // An unknown type has no current version; validateEvent refuses it whatever the version says.
  const version = schemaVersion ?? currentSchemaVersion(type) ?? 1;
  const errors = validateEvent(type, version, data);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, schemaVersion: version };
};

/** The contracts registry's upcasters, applied to every event read (an unknown type is left as is). */
export const contractsUpcaster: EventUpcaster = (event) => upcast(event);
