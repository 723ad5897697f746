import { Command, InvalidArgumentError } from 'commander';
import { ErrorCodes, FederaError, ListLimits, type RecordedEvent } from '@federa/contracts';
import type { ApiClient } from '../api-client';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import type { ApiTargetFlags } from '../contexts';
import { readEventFeed } from '../event-feed';
import { whenOutputCloses } from '../up/output-closed';
import {
  renderDocument,
  renderOutput,
  renderRows,
  type Column,
  type OutputFormat,
} from '../render-output';

/** A filter flag of a list: `--service NAME` is the query `service` and the item's `service`. */
export interface ListFilter<T> {
  flag: string;
  description: string;
  query: string;
  /** The item's value the filter compares, for the changes `--watch` prints. */
  valueOf(item: T): string | undefined;
}

/** A kind of object `federa get` lists: where the API serves it and how it prints. */
export interface ListedKind<T> {
  /** `services`: the subcommand. */
  plural: string;
  /** `service`: what NAME names. */
  singular: string;
  description: string;
  /** `/v1/services`: the list; `/v1/services/{key}` one item. */
  path: string;
  keyOf(item: T): string;
  columns: Column<T>[];
  wide?: Column<T>[];
  filters?: ListFilter<T>[];
  /** The keys of the items an event may have changed (`--watch` asks for each again). */
  touched(event: RecordedEvent): string[];
}

interface ListFlags extends ApiTargetFlags {
  output?: string;
  limit?: number;
  watch?: boolean;
  [filter: string]: unknown;
}

/**
 * `federa get <plural> [NAME] [filters] [--limit N] [--watch] [-o …]`: every item, page by page
 * (`next` followed to the end, or to `--limit`); with NAME that item alone; `--watch` then prints
 * each item again as the event log shows it changed, until Ctrl-C.
 */
export function listCommand<T>(kind: ListedKind<T>): Command {
  const command = new Command(kind.plural)
    .description(kind.description)
    .argument('[name]', `only this ${kind.singular}`);
  for (const filter of kind.filters ?? []) command.option(filter.flag, filter.description);
  command
    .option('--limit <n>', 'print at most this many (default: every page of the list)', limitFlag)
    .option('-w, --watch', 'after the list, print each change as it happens, until Ctrl-C')
    .action(
      guarded(async (name: string | undefined, flags: ListFlags) => {
        const api = apiClientOf(flags);
        const format = outputOf(flags);
        const filters = filterValues(kind, flags);
        // Where the log is before the list is read: the watch starts there and misses nothing.
        const head = flags.watch ? await logHead(api) : 0;
        const { items, next } =
          name === undefined
            ? await listPages<T>(api, kind.path, filterQuery(kind, filters), flags.limit)
            : { items: [await api.get<T>(itemPath(kind, name))], next: undefined };
        const data = name !== undefined ? items[0] : next ? { items, next } : { items };
        const text = renderList(kind, format, data, items);
        // `-o name` of an empty list prints nothing, not an empty line.
        if (text !== '') process.stdout.write(`${text}\n`);
        if (next !== undefined && format !== 'json' && format !== 'yaml')
          process.stderr.write(
            `(the first ${items.length} shown; more remain: raise --limit or leave it out)\n`,
          );
        if (flags.watch) await watch(api, kind, { head, name, filters, format });
      }),
    );
  return withOutputOption(withApiOption(command));
}

/** `--limit` as a positive integer, or a usage error. */
export function limitFlag(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/**
 * The items of a paged list: follows `next` (as `after`) until the last page, or until `limit`
 * items; `next` is where the list goes on when `limit` stopped it first.
 */
export async function listPages<T>(
  api: ApiClient,
  path: string,
  query: URLSearchParams = new URLSearchParams(),
  limit?: number,
): Promise<{ items: T[]; next?: string }> {
  const items: T[] = [];
  let after: string | undefined;
  do {
    const wanted = limit === undefined ? ListLimits.maxPageSize : limit - items.length;
    const page = new URLSearchParams(query);
    page.set('limit', String(Math.min(wanted, ListLimits.maxPageSize)));
    if (after) page.set('after', after);
    const answer = await api.get<{ items: T[]; next?: string }>(`${path}?${page}`);
    // A page asked for exactly what is missing ends at the limit: its `next` goes on from there.
    items.push(...answer.items.slice(0, wanted));
    after = answer.next;
    if (limit !== undefined && items.length >= limit) break;
  } while (after);
  return after !== undefined ? { items, next: after } : { items };
}

function itemPath<T>(kind: ListedKind<T>, key: string): string {
  return `${kind.path}/${encodeURIComponent(key)}`;
}

function filterValues<T>(
  kind: ListedKind<T>,
  flags: ListFlags,
): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const filter of kind.filters ?? []) {
    const value = flags[filter.query];
    values[filter.query] = typeof value === 'string' ? value : undefined;
  }
  return values;
}

function filterQuery<T>(
  kind: ListedKind<T>,
  values: Record<string, string | undefined>,
): URLSearchParams {
  const query = new URLSearchParams();
  for (const filter of kind.filters ?? []) {
    const value = values[filter.query];
    if (value !== undefined) query.set(filter.query, value);
  }
  return query;
}

/** The list as asked: a document, names, or the table (`wide`: with the kind's extra columns). */
function renderList<T>(kind: ListedKind<T>, format: OutputFormat, data: unknown, items: T[]) {
  return renderOutput(format, data, items, kind.columns, kind.wide);
}

/**
 * The log's current position: the end of the events recorded from now on (a page asked `from`
 * now starts past everything older, whatever the two clocks say, and is followed to its end).
 */
export async function logHead(api: ApiClient, now = Date.now()): Promise<number> {
  let after = 0;
  const from = new Date(now).toISOString();
  for (let pages = 0; pages < 100; pages++) {
    const query = new URLSearchParams({ from, after: String(after), limit: '1000' });
    const page = await api.get<{ items: unknown[]; next: number }>(`/v1/events?${query}`);
    if (page.next === after) return after;
    after = page.next;
  }
  return after;
}

interface WatchSettings {
  head: number;
  name: string | undefined;
  filters: Record<string, string | undefined>;
  format: OutputFormat;
}

/** Prints each item an event changed, as the API shows it then, until Ctrl-C. */
async function watch<T>(api: ApiClient, kind: ListedKind<T>, settings: WatchSettings) {
  const stop = new AbortController();
  const interrupted = () => stop.abort();
  process.once('SIGINT', interrupted);
  // `federa get services -w | head`: once the reader is gone, the watch ends quietly (exit 0).
  whenOutputCloses(() => stop.abort(), [process.stdout]);
  try {
    await readEventFeed(api, {
      after: settings.head,
      signal: stop.signal,
      onEvent: async (event) => {
        for (const key of kind.touched(event)) {
          if (settings.name !== undefined && key !== settings.name) continue;
          const line = await changedLine(api, kind, key, settings, stop.signal);
          if (stop.signal.aborted) return;
          if (line !== undefined) process.stdout.write(`${line}\n`);
        }
      },
      onReconnect: ({ delayMs }) =>
        process.stderr.write(`the event stream dropped; resuming in ${delayMs} ms\n`),
    });
  } finally {
    process.removeListener('SIGINT', interrupted);
  }
}

/** The line `--watch` prints for one changed item: its row (or document), `… deleted`, or nothing when filtered out. */
async function changedLine<T>(
  api: ApiClient,
  kind: ListedKind<T>,
  key: string,
  settings: WatchSettings,
  signal: AbortSignal,
): Promise<string | undefined> {
  let item: T;
  try {
    item = await api.get<T>(itemPath(kind, key), { signal });
  } catch (error) {
    if (error instanceof FederaError && error.code === ErrorCodes.notFound)
      return deletedLine(kind.singular, key, settings.format);
    throw error;
  }
  if (!passes(kind, item, settings)) return undefined;
  const document = renderDocument(settings.format, item);
  if (document !== undefined)
    return settings.format === 'json' ? JSON.stringify(item) : `---\n${document}`;
  if (settings.format === 'name') return kind.keyOf(item);
  const columns =
    settings.format === 'wide' ? [...kind.columns, ...(kind.wide ?? [])] : kind.columns;
  return renderRows([item], columns);
}

/**
 * What `--watch` prints for a deleted item: in the stream of JSON or YAML documents a document
 * too (`{"kind":"service","name":"web","deleted":true}`), its name for `-o name`, else a line.
 */
export function deletedLine(singular: string, key: string, format: OutputFormat): string {
  const deleted = { kind: singular, name: key, deleted: true };
  if (format === 'json') return JSON.stringify(deleted);
  if (format === 'yaml') return `---\n${renderDocument('yaml', deleted)}`;
  if (format === 'name') return key;
  return `${singular} ${key} deleted`;
}

function passes<T>(kind: ListedKind<T>, item: T, settings: WatchSettings): boolean {
  for (const filter of kind.filters ?? []) {
    const wanted = settings.filters[filter.query];
    if (wanted !== undefined && filter.valueOf(item) !== wanted) return false;
  }
  return true;
}
