import {
  ListLimits,
  streamCategory,
  type ListInstancesQuery,
  type RecordedEvent,
} from '@federa/contracts';
import { evolveInstance, isLive, liveStates, type InstanceView } from './instance-view';
import { instanceSummary } from './instance-summary';

interface Entry {
  view: InstanceView;
  /** The instance's summary as JSON text and its length in UTF-8 bytes, made once per change. */
  text?: string;
  bytes?: number;
}

/** How many ended (stopped or failed) instances memory keeps, the most recently ended. */
export const endedKeptInMemory = 10_000;

/**
 * Every live instance the log tells of and the most recently ended ones, in id byte order (Postgres
 * `COLLATE "C"`, the order lists page by), with the live ones in an index of their own: a list page
 * is a walk from `after` and a join of summaries rendered once per change, not a query, a parse and
 * a serialisation per request. Answers exactly what supervision's read model answers
 * `list-instances`, as the JSON text Nest would send; once it has let an ended instance go (a fleet
 * that has run for months ends instances without end), a list of ended ones is not its to answer.
 */
export class InstanceListIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly all: string[] = [];
  private readonly live: string[] = [];
  /** Ended instances in the order memory saw them end: the first is let go first. */
  private readonly ended: string[] = [];
  private endedHead = 0;
  /** Memory has let an ended instance go: it no longer holds every one. */
  private forgotEnded = false;

  /** @param maxEnded ended instances kept (@default endedKeptInMemory) */
  constructor(private readonly maxEnded = endedKeptInMemory) {}

  get size(): number {
    return this.entries.size;
  }

  /** Folds the instance events among `events` (log order) as supervision's view does. */
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
    if (!nowLive && (known === undefined || wasLive)) this.noteEnded(id);
  }

  /**
   * Counts `id` among the ended, letting the earliest ended go past `maxEnded`. Safe for lists of
   * live ones: an ended instance never lives again (its later events fold to nothing, known or not).
   */
  private noteEnded(id: string): void {
    this.ended.push(id);
    while (this.ended.length - this.endedHead > this.maxEnded) {
      const gone = this.ended[this.endedHead++];
      const entry = this.entries.get(gone);
      if (entry && !isLive(entry.view)) {
        this.entries.delete(gone);
        removeSorted(this.all, gone);
        this.forgotEnded = true;
      }
    }
    // The queue's consumed head is dropped now and then, not on every shift (O(n) each).
    if (this.endedHead > 1024 && this.endedHead * 2 > this.ended.length) {
      this.ended.splice(0, this.endedHead);
      this.endedHead = 0;
    }
  }

  view(id: string): InstanceView | undefined {
    return this.entries.get(id)?.view;
  }

  /**
   * The page `list-instances` answers for `query`, as its JSON text (`{"items":[...],"next":...}`);
   * undefined for a list of ended instances once memory has let one go (the read model answers it).
   */
  page(query: ListInstancesQuery, maxBytes: number = ListLimits.maxPageBytes): string | undefined {
    const limit = query.limit ?? ListLimits.defaultPageSize;
    // A live state is found among the live ones alone, however many ended instances are kept.
    const liveOnly = query.state === undefined || liveStates.has(query.state);
    if (!liveOnly && this.forgotEnded) return undefined;
    const ids = liveOnly ? this.live : this.all;
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
