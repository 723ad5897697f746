import { Command } from 'commander';
import { UsageError } from './exit-code';
import { windowStartFlag } from './time-flag';

/** What the gateway narrows the log to (`GET /v1/events`, `/v1/events/stream`), besides `after`. */
export interface EventFilters {
  /** Only this actor's events (`token:<name>`, `agent:<host>`, a service). */
  actor?: string;
  /** Only events of these types. */
  types?: string[];
  /** Only this stream's events (`host-mph-1`). */
  stream?: string;
  /** Only this service's events (its stream, and those naming it in `data.service`). */
  service?: string;
  /** Only events recorded at or after this time (ISO 8601). */
  from?: string;
}

/** The flags `federa events` takes for them, as commander parses them. */
export interface EventFilterFlags {
  actor?: string;
  type?: string;
  stream?: string;
  service?: string;
  from?: string;
}

const typePattern = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** Adds `--type`, `--stream`, `--service` and `--from` to a command reading the log. */
export function withEventFilterOptions(command: Command): Command {
  return command
    .option(
      '--type <types>',
      'only events of these types, separated by commas (HostDown,HostRecovered)',
    )
    .option('--stream <id>', 'only the events of this stream (host-mph-1, service-shop)')
    .option('--service <name>', "only this service's events (its stream and its instances')")
    .option(
      '--from <time>',
      'only events recorded from this time: ISO 8601, or a duration back from now (30m, 2h, 7d)',
    );
}

/** The filters of the flags; a malformed one is a UsageError naming it. */
export function eventFiltersOf(flags: EventFilterFlags, now = Date.now()): EventFilters {
  const filters: EventFilters = {};
  if (flags.actor !== undefined) filters.actor = flags.actor;
  if (flags.type !== undefined) {
    const types = flags.type.split(',').map((t) => t.trim());
    const bad = types.find((t) => !typePattern.test(t));
    if (bad !== undefined)
      throw new UsageError('--type', `"${bad}" is not an event type (such as HostDown)`);
    filters.types = types;
  }
  if (flags.stream !== undefined) filters.stream = flags.stream;
  if (flags.service !== undefined) filters.service = flags.service;
  if (flags.from !== undefined)
    filters.from = windowStartFlag('--from', flags.from, undefined, now);
  return filters;
}

/** Sets the filters on a query of the log. */
export function setEventFilters(query: URLSearchParams, filters: EventFilters): URLSearchParams {
  if (filters.actor !== undefined) query.set('actor', filters.actor);
  if (filters.types !== undefined) query.set('type', filters.types.join(','));
  if (filters.stream !== undefined) query.set('stream', filters.stream);
  if (filters.service !== undefined) query.set('service', filters.service);
  if (filters.from !== undefined) query.set('from', filters.from);
  return query;
}

/** Whether a filter besides `actor` narrows the log: then a page may hold fewer events than asked while more remain. */
export function narrowsLog(filters: EventFilters): boolean {
  return (
    filters.types !== undefined ||
    filters.stream !== undefined ||
    filters.service !== undefined ||
    filters.from !== undefined
  );
}
