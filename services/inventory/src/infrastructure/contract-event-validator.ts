import { validateEvent } from '@federa/contracts';
import type { EventValidator } from '@federa/eventstore';

/** Checks events against the contracts registry before they reach the log. */
export const contractEventValidator: EventValidator = ({ type, schemaVersion, data }) => {
  const version = schemaVersion ?? 1;
  const errors = validateEvent(type, version, data);
  if (errors.length === 0) return { ok: true, schemaVersion: version };
  return {
    ok: false,
    errors: errors.map((e) => ({ path: e.path.replace(/^data\.?/, ''), reason: e.reason })),
  };
};
