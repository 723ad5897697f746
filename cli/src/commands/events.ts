import { Command, InvalidArgumentError, Option } from 'commander';
import type { EventPage, RecordedEvent } from '@federa/contracts';
import { actorErrors } from '@federa/contracts';
import { withApiOption } from '../command-options';
import { ApiClient, resolveApiOptions } from '../api-client';
import { readEventFeed } from '../event-feed';
import type { ApiTargetFlags } from '../contexts';
import {
  eventFiltersOf,
  narrowsLog,
  setEventFilters,
  withEventFilterOptions,
  type EventFilterFlags,
  type EventFilters,
} from '../event-filter-flags';
import { withExitCodes } from '../exit-code';
import { whenOutputCloses } from '../up/output-closed';
import { renderTable, type Column } from '../render-output';
import { eventsExportCommand } from './events-export';

type EventsFormat = 'table' | 'json' | 'ndjson';

interface EventsOptions extends EventFilterFlags, ApiTargetFlags {
  follow?: boolean;
  after: number;
  output: EventsFormat;
}

const pageSize = 500;

const columns: Column<RecordedEvent>[] = [
  { header: 'POSITION', value: (e) => e.position },
  { header: 'STREAM', value: (e) => e.streamId },
  { header: 'VERSION', value: (e) => e.streamVersion },
  { header: 'TYPE', value: (e) => e.type },
  { header: 'RECORDED', value: (e) => e.recordedAt },
  { header: 'ACTOR', value: (e) => e.metadata.actor },
];

/**
 * `federa events [--follow] [--after POS] [--actor NAME] [--type T,U] [--stream ID] [--service NAME]
 * [--from TIME] [-o table|json|ndjson]`: the event log, in order; with --actor only what that actor
 * caused (docs/security/audit.md), with the other filters only the events that pass them all.
 */
export function eventsCommand(): Command {
  const command = new Command('events')
    .description('print the event log in order; --follow keeps printing new events')
    .option('-f, --follow', 'keep streaming new events (server-sent events)')
    .option('--after <position>', 'start after this log position', parsePosition, 0)
    .option(
      '--actor <name>',
      'only the events of this actor (token:<name>, agent:<host>, a service)',
      parseActor,
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'ndjson'])
        .default('table'),
    )
    .action(
      withExitCodes(async (options: EventsOptions) => {
        const client = new ApiClient(resolveApiOptions(options));
        const filters = eventFiltersOf(options);
        if (options.follow) await follow(client, options, filters);
        else await printLog(client, options, filters);
      }),
    )
    // `events export --after N`: the option is export's, not this command's.
    .enablePositionalOptions()
    .addCommand(eventsExportCommand());
  return withApiOption(withEventFilterOptions(command));
}

/** `--after` as a non-negative integer, or a usage error naming the option. */
export function parsePosition(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('must be a non-negative integer log position');
  }
  return Number(value);
}

/** `--actor` as the API takes it, or a usage error that says why. */
export function parseActor(value: string): string {
  const [error] = actorErrors(value, '--actor');
  if (error) throw new InvalidArgumentError(error.reason);
  return value;
}

/**
 * Pages through the log from `after` to its current end: a short page ends it, but with a filter
 * (a page then reads a bounded part of the log) only a page whose `next` stays where it was asked.
 */
async function printLog(
  client: ApiClient,
  options: EventsOptions,
  filters: EventFilters,
): Promise<void> {
  const all: RecordedEvent[] = [];
  let after = options.after;
  for (;;) {
    const query = setEventFilters(
      new URLSearchParams({ after: String(after), limit: String(pageSize) }),
      filters,
    );
    const page = await client.get<EventPage>(`/v1/events?${query}`);
    if (options.output === 'ndjson') {
      for (const event of page.items) process.stdout.write(`${JSON.stringify(event)}\n`);
    } else all.push(...page.items);
    const ended = narrowsLog(filters) ? page.next === after : page.items.length < pageSize;
    after = page.next;
    if (ended) break;
  }
  if (options.output === 'json') {
    process.stdout.write(`${JSON.stringify({ items: all, next: after }, null, 2)}\n`);
  } else if (options.output === 'table') {
    process.stdout.write(`${renderTable(all, columns)}\n`);
  }
}

/**
 * Streams the live log and prints each event as it comes, until interrupted (Ctrl-C); a dropped
 * connection is resumed where it stopped, said on stderr.
 */
async function follow(
  client: ApiClient,
  options: EventsOptions,
  filters: EventFilters,
): Promise<void> {
  const stop = new AbortController();
  const interrupted = () => stop.abort();
  process.once('SIGINT', interrupted);
  // `federa events -f | head`: once the reader is gone, the feed ends quietly (exit 0).
  whenOutputCloses(() => stop.abort(), [process.stdout]);
  try {
    await readEventFeed(client, {
      after: options.after,
      filters,
      signal: stop.signal,
      onEvent: (event) => {
        if (!stop.signal.aborted)
          process.stdout.write(`${formatFollowed(event, options.output)}\n`);
      },
      onReconnect: ({ lastEventId, delayMs }) =>
        process.stderr.write(
          `the event stream dropped; resuming after position ${lastEventId ?? options.after} in ${delayMs} ms\n`,
        ),
    });
  } finally {
    process.removeListener('SIGINT', interrupted);
  }
}

/** One followed event as a line: JSON for machines, aligned columns for people. */
export function formatFollowed(event: RecordedEvent, output: EventsFormat): string {
  if (output !== 'table') return JSON.stringify(event);
  return [
    String(event.position).padStart(8),
    event.streamId.padEnd(28),
    String(event.streamVersion).padStart(5),
    event.type.padEnd(24),
    event.recordedAt,
    event.metadata.actor,
  ].join('  ');
}
