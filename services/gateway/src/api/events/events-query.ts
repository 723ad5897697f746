import { actorErrors, ValidationFailed, type FieldError } from '@federa/contracts';
import { eventFilterNames, parseEventFilters, type EventFilters } from '../../domain/event-filters';

/**
 * `GET /v1/events` paging: after a position (0: from the start), at most `limit` events, only those
 * of `actor` (`metadata.actor`, exactly) and passing `filters` when given.
 */
export interface EventsQuery {
  after: number;
  limit: number;
  actor?: string;
  filters: EventFilters;
}

type EventsQueryParameter = 'after' | 'limit' | 'actor' | (typeof eventFilterNames)[number];

export const defaultEventsLimit = 100;
export const maxEventsLimit = 1000;

/** Reads `after`, `limit`, `actor` and the filters from a query string; throws ValidationFailed naming each bad field. */
export function parseEventsQuery(
  query: Record<string, unknown>,
  allowed: ReadonlyArray<EventsQueryParameter> = ['after', 'limit', 'actor', ...eventFilterNames],
): EventsQuery {
  const errors: FieldError[] = [];
  for (const key of Object.keys(query)) {
    if (!(allowed as string[]).includes(key))
      errors.push({ path: key, reason: 'unknown query parameter' });
  }
  const after = integerParam(query.after, 'after', 0, Number.MAX_SAFE_INTEGER, 0, errors);
  const limit = integerParam(query.limit, 'limit', 1, maxEventsLimit, defaultEventsLimit, errors);
  const actor = query.actor;
  if (actor !== undefined) errors.push(...actorErrors(actor, 'actor'));
  const filters = parseEventFilters(query, errors);
  if (errors.length > 0) throw new ValidationFailed(errors, 'query');
  return { after, limit, ...(typeof actor === 'string' ? { actor } : {}), filters };
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
