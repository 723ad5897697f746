import { currentSchemaVersion, upcast, validateEvent } from '@federa/contracts';
import type { EventUpcaster, EventValidator } from './event-validator';

/** The contracts registry as the store's validator: the type's current version when none is given. */
export const contractsEventValidator: EventValidator = ({ type, schemaVersion, data }) => {
  const version = schemaVersion ?? currentSchemaVersion(type) ?? 1;
  const errors = validateEvent(type, version, data);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, schemaVersion: version };
};

/** The contracts registry's upcasters, applied to every event read. */
export const contractsUpcaster: EventUpcaster = (event) => upcast(event);
