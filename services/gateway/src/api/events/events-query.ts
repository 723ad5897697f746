import { ValidationFailed, type FieldError } from '@federa/contracts';

/** `GET /v1/events` paging: after a position (0: from the start), at most `limit` events. */
export interface EventsQuery {
  after: number;
  limit: number;
}

export const defaultEventsLimit = 100;
export const maxEventsLimit = 1000;

/** Reads `after` and `limit` from a query string; throws ValidationFailed naming each bad field. */
export function parseEventsQuery(
  query: Record<string, unknown>,
  allowed: ReadonlyArray<keyof EventsQuery> = ['after', 'limit'],
): EventsQuery {
  const errors: FieldError[] = [];
  for (const key of Object.keys(query)) {
    if (!(allowed as string[]).includes(key))
      errors.push({ path: key, reason: 'unknown query parameter' });
  }
  const after = integerParam(query.after, 'after', 0, Number.MAX_SAFE_INTEGER, 0, errors);
  const limit = integerParam(query.limit, 'limit', 1, maxEventsLimit, defaultEventsLimit, errors);
  if (errors.length > 0) throw new ValidationFailed(errors, 'query');
  return { after, limit };
}

function integerParam(
  raw: unknown,
  name: string,
  min: number,
  max: number,
  fallback: number,
  errors: FieldError[],
): number {
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    errors.push({ path: name, reason: `must be an integer from ${min} to ${max}` });
    return fallback;
  }
  return value;
}
