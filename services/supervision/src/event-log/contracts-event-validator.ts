import { currentSchemaVersion, validateEvent } from '@federa/contracts';
import type { EventValidator } from '@federa/eventstore';

/** Checks every appended event against the contracts' event registry (unknown types refused). */
export const contractsEventValidator: EventValidator = ({ type, schemaVersion, data }) => {
  const version = schemaVersion ?? currentSchemaVersion(type);
  if (version === undefined)
    return { ok: false, errors: [{ path: '', reason: `unknown event type ${type}` }] };
  const errors = validateEvent(type, version, data);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, schemaVersion: version };
};
