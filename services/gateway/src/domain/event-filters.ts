import type { FieldError, RecordedEvent } from '@federa/contracts';

/**
 * What a reader of the log may narrow it to besides `actor` (`GET /v1/events`, `/v1/events/stream`):
 * event types, one stream, one service's events, events recorded from a time on.
 */
export interface EventFilters {
  /** Only these types (`type=HostDown,HostRecovered`). */
  types?: string[];
  /** Only this stream (`host-mph-1`). */
  stream?: string;
  /** Only this service's events: its `service-<name>` stream and every event whose `data.service` is it. */
  service?: string;
  /** Only events recorded at or after this time (ISO 8601 with its zone). */
  from?: string;
}

export const eventFilterNames = ['type', 'stream', 'service', 'from'] as const;

const typePattern = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const maxTypes = 50;
const streamPattern = /^[a-z][a-z0-9]*-[A-Za-z0-9._:-]{1,200}$/;
const servicePattern = /^[a-z0-9-]{1,63}$/;
const isoWithZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The filters of a query string; every bad one is a FieldError naming it. */
export function parseEventFilters(
  query: Record<string, unknown>,
  errors: FieldError[],
): EventFilters {
  const filters: EventFilters = {};
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') {
      errors.push({ path: name, reason: 'must be given once, not empty' });
      return undefined;
    }
    return value;
  };
  const type = text('type');
  if (type !== undefined) {
    const types = type.split(',');
    const bad = types.filter((t) => !typePattern.test(t));
    if (bad.length > 0 || types.length > maxTypes)
      errors.push({
        path: 'type',
        reason: `must be 1 to ${maxTypes} event types separated by commas, such as HostDown,HostRecovered`,
      });
    else filters.types = [...new Set(types)];
  }
  const stream = text('stream');
  if (stream !== undefined) {
    if (streamPattern.test(stream)) filters.stream = stream;
    else errors.push({ path: 'stream', reason: 'must be a stream id such as host-mph-1' });
  }
  const service = text('service');
  if (service !== undefined) {
    if (servicePattern.test(service)) filters.service = service;
    else errors.push({ path: 'service', reason: 'must be a service name ([a-z0-9-]{1,63})' });
  }
  const from = text('from');
  if (from !== undefined) {
    if (isoWithZone.test(from) && !Number.isNaN(Date.parse(from)))
      filters.from = new Date(from).toISOString();
    else
      errors.push({
        path: 'from',
        reason: 'must be an ISO 8601 time with its zone, such as 2026-12-07T10:00:00Z',
      });
  }
  return filters;
}

/** Whether any filter narrows the log (then a page may scan more events than it answers). */
export function narrows(filters: EventFilters): boolean {
  return (
    filters.types !== undefined ||
    filters.stream !== undefined ||
    filters.service !== undefined ||
    filters.from !== undefined
  );
}

/** Whether `event` passes every filter given. */
export function matchesEventFilters(event: RecordedEvent, filters: EventFilters): boolean {
  if (filters.types && !filters.types.includes(event.type)) return false;
  if (filters.stream !== undefined && event.streamId !== filters.stream) return false;
  if (filters.service !== undefined && !isOfService(event, filters.service)) return false;
  if (filters.from !== undefined && Date.parse(event.recordedAt) < Date.parse(filters.from))
    return false;
  return true;
}

function isOfService(event: RecordedEvent, service: string): boolean {
  if (event.streamId === `service-${service}`) return true;
  const data = event.data as { service?: unknown } | null;
  return typeof data === 'object' && data !== null && data.service === service;
}
