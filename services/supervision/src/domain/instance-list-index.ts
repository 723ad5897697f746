import {
  ListLimits,
  streamCategory,
  type ListInstancesQuery,
  type RecordedEvent,
} from '@federa/contracts';
import { evolveInstance, isLive, liveStates, type InstanceView } from './instance-view';
import { instanceSummary } from './service-summary';

interface Entry {
  view: InstanceView;
  /** The instance's summary as JSON text and its length in UTF-8 bytes, made once per change. */
  text?: string;
  bytes?: number;
}

/**
 * Every instance supervision knows, in id byte order (Postgres `COLLATE "C"`, the order lists page
 * by), with the live ones in an index of their own: a list page is a walk from `after` and a join
 * of summaries rendered once per change, not a query, a parse and a serialisation per request.
 * Answers exactly what the read model's list query answers, as the JSON text Nest would send.
 */
export class InstanceListIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly all: string[] = [];
  private readonly live: string[] = [];

  get size(): number {
    return this.entries.size;
  }

  /** Folds the instance events among `events` (log order) as SupervisionView does. */
  apply(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      if (streamCategory(event.streamId) !== 'instance') continue;
      const id = event.streamId.slice('instance-'.length);
      const known = this.entries.get(id)?.view;
      const next = evolveInstance(known, {
        type: event.type,
        data: (event.data ?? {}) as Record<string, unknown>,
        occurredAt: event.metadata?.occurredAt ?? event.recordedAt,
      });
      if (next && next !== known) this.put(next, id);
    }
  }

  /** The instance as it now is (a new one, or a change of a known one), under its stream's id. */
  put(view: InstanceView, id = view.id): void {
    const known = this.entries.get(id);
    if (!known) insertSorted(this.all, id);
    const wasLive = known !== undefined && isLive(known.view);
    const nowLive = isLive(view);
    if (nowLive && !wasLive) insertSorted(this.live, id);
    else if (wasLive && !nowLive) removeSorted(this.live, id);
    this.entries.set(id, { view });
  }

  view(id: string): InstanceView | undefined {
    return this.entries.get(id)?.view;
  }

  /** The page `list-instances` answers for `query`, as its JSON text (`{"items":[...],"next":...}`). */
  page(query: ListInstancesQuery, maxBytes: number = ListLimits.maxPageBytes): string {
    const limit = query.limit ?? ListLimits.defaultPageSize;
    // A live state is found among the live ones alone, however many ended instances are kept.
    const ids = query.state === undefined || liveStates.has(query.state) ? this.live : this.all;
    const texts: string[] = [];
    let bytes = 0;
    let lastId: string | undefined;
    let more = false;
    for (
      let i = query.after === undefined ? 0 : firstAfter(ids, query.after);
      i < ids.length;
      i++
    ) {
      const entry = this.entries.get(ids[i]) as Entry;
      if (!matches(entry.view, query)) continue;
      if (texts.length === limit) {
        more = true;
        break;
      }
      const text = (entry.text ??= JSON.stringify(instanceSummary(entry.view)));
      entry.bytes ??= Buffer.byteLength(text);
      bytes += entry.bytes + 1;
      // As pageOf: a first item is always kept, a later one that would pass maxBytes ends the page.
      if (texts.length > 0 && bytes > maxBytes) {
        more = true;
        break;
      }
      texts.push(text);
      lastId = ids[i];
    }
    const next = more ? `,"next":${JSON.stringify(lastId)}` : '';
    return `{"items":[${texts.join(',')}]${next}}`;
  }
}

function matches(view: InstanceView, query: ListInstancesQuery): boolean {
  return (
    (query.service === undefined || view.service === query.service) &&
    (query.app === undefined || view.app === query.app) &&
    (query.host === undefined || (view.host ?? null) === query.host) &&
    (query.state === undefined || view.state === query.state)
  );
}

/**
 * Orders strings as their UTF-8 bytes compare (Postgres `COLLATE "C"`), which is code point order.
 * JavaScript compares UTF-16 code units, which differs only between a surrogate (a code point above
 * U+FFFF) and a unit from U+E000 up: moving surrogates above those units gives code point order.
 */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** The index of the first id after `key` in byte order. */
function firstAfter(ids: readonly string[], key: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareBytes(ids[mid], key) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

function insertSorted(ids: string[], id: string): void {
  ids.splice(firstAfter(ids, id), 0, id);
}

function removeSorted(ids: string[], id: string): void {
  const at = firstAfter(ids, id) - 1;
  if (at >= 0 && ids[at] === id) ids.splice(at, 1);
}
