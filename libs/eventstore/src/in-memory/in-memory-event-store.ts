import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent, RecordedEvent } from '@federa/contracts';
import { EventIdReused } from '../errors/event-id-reused';
import { StreamVersionConflict } from '../errors/stream-version-conflict';
import { StreamsVersionConflict, type StreamConflict } from '../errors/streams-version-conflict';
import type {
  AppendManyResult,
  AppendResult,
  EventStore,
  ExpectedVersion,
  LogCheckpoint,
  ReadAllResult,
  StreamAppend,
} from '../event-store';
import { logStart } from '../event-store';
import type { CheckedStreamAppend } from '../schema/append-to-streams';
import { checkNewEvents, type CheckedEvent } from '../validation/check-new-events';
import { checkStreamAppends, expectedVersionOf } from '../validation/check-stream-appends';
import {
  contractsEventValidator,
  contractsUpcaster,
} from '../validation/contracts-event-validator';
import type { EventUpcaster, EventValidator } from '../validation/event-validator';
import { jsonbText } from './jsonb-text';

export interface InMemoryEventStoreOptions {
  /** Checks each event; @default the contracts registry (validateEvent), as PostgresEventStore. */
  validate?: EventValidator;
  /** Applied to every event read; @default the contracts registry's upcasters, as PostgresEventStore. */
  upcast?: EventUpcaster;
}

/**
 * One event as the log keeps it. Data and metadata are kept as JSON text, as jsonb keeps them: a
 * reader gets its own copy, and what JSON drops (undefined fields, Dates as objects) is dropped here too.
 */
interface StoredEvent {
  position: number;
  transaction: bigint;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: string;
  metadata: string;
  recordedAt: string;
}

/**
 * The event log in this process's memory, with PostgresEventStore's semantics: the same validation,
 * expected versions, idempotence by event id, positions and checkpoints. Every append is one
 * transaction that commits at once, so readers never wait for one. For unit tests and tools; it loads
 * no database client.
 */
export class InMemoryEventStore implements EventStore {
  private readonly validate: EventValidator;
  private readonly upcast: EventUpcaster;
  /** Every event in position order; transactions commit in the same order, so also checkpoint order. */
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly byEventId = new Map<string, StoredEvent>();
  private lastTransaction = 0n;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.validate = options.validate ?? contractsEventValidator;
    this.upcast = options.upcast ?? contractsUpcaster;
  }

  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: NewEvent[],
  ): Promise<AppendResult> {
    const checked = checkNewEvents(streamId, events, this.validate, randomUUID);
    const expectedVersion = expectedVersionOf(expected);
    const actual = this.versionOf(streamId);
    if (expectedVersion === undefined) {
      throw new StreamVersionConflict(streamId, expected, actual);
    }
    const original = this.originalAppend(streamId, checked);
    if (original) return original;
    if (expectedVersion !== null && expectedVersion !== actual) {
      throw new StreamVersionConflict(streamId, expected, actual);
    }
    const written = this.commit([{ streamId, events: checked }]);
    return written[0];
  }

  async appendMany(appends: StreamAppend[]): Promise<AppendManyResult> {
    const checked = checkStreamAppends(appends, this.validate, randomUUID);
    const original = this.originalAppendMany(checked);
    if (original) return original;
    const conflicts: StreamConflict[] = [];
    checked.forEach((c, i) => {
      const actual = this.versionOf(c.streamId);
      if (c.expectedVersion !== null && c.expectedVersion !== actual) {
        conflicts.push({ streamId: c.streamId, expected: appends[i].expected, actual });
      }
    });
    if (conflicts.length > 0) throw new StreamsVersionConflict(conflicts);
    // Positions follow stream id order, as in PostgresEventStore, whatever the order given.
    const byStream = [...checked].sort((x, y) =>
      x.streamId < y.streamId ? -1 : x.streamId > y.streamId ? 1 : 0,
    );
    const written = this.commit(byStream);
    const resultOf = new Map(byStream.map((c, i) => [c.streamId, written[i]]));
    return resultOfAppends(checked.map((c) => resultOf.get(c.streamId)!));
  }

  async readStream(
    streamId: string,
    options: { fromVersion?: number } = {},
  ): Promise<{ events: RecordedEvent[]; version: number }> {
    const fromVersion = options.fromVersion ?? 1;
    const stream = this.streams.get(streamId) ?? [];
    const events = stream
      .filter((e) => e.streamVersion >= fromVersion)
      .map((e) => this.upcast(recordedEventOf(e)));
    return { events, version: stream.length };
  }

  async readAll(after: LogCheckpoint | null, limit: number): Promise<ReadAllResult> {
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new RangeError(`limit must be an integer >= 0, got ${limit}`);
    }
    const from = after ?? logStart;
    return this.pageOf(this.indexAfter(from), limit, this.log.length, from);
  }

  async *readAllPages(
    after: LogCheckpoint | null,
    pageSize: number,
  ): AsyncGenerator<ReadAllResult, void, undefined> {
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
      throw new RangeError(`page size must be a positive integer, got ${pageSize}`);
    }
    // Ends at the events there when the read started, as the Postgres cursor's snapshot does.
    const end = this.log.length;
    let from = after ?? logStart;
    for (let index = this.indexAfter(from); index < end; index += pageSize) {
      const page = this.pageOf(index, pageSize, end, from);
      yield page;
      from = page.checkpoint;
    }
  }

  /** The stream's current version: its last event's, 0 when it has none. */
  private versionOf(streamId: string): number {
    return this.streams.get(streamId)?.length ?? 0;
  }

  /** Up to `limit` events from `index` (before `end`); the checkpoint stays at `from` when there are none. */
  private pageOf(index: number, limit: number, end: number, from: LogCheckpoint): ReadAllResult {
    const stored = this.log.slice(index, Math.min(end, index + limit));
    if (stored.length === 0) return { events: [], checkpoint: from };
    const last = stored[stored.length - 1];
    return {
      events: stored.map((e) => this.upcast(recordedEventOf(e))),
      checkpoint: { transactionId: String(last.transaction), position: last.position },
    };
  }

  /** The index of the first event after the checkpoint in (transaction, position) order. */
  private indexAfter(checkpoint: LogCheckpoint): number {
    const transaction = BigInt(checkpoint.transactionId);
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const e = this.log[middle];
      const after =
        e.transaction > transaction ||
        (e.transaction === transaction && e.position > checkpoint.position);
      if (after) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** Records the batches as one transaction, in the order given; each batch's version and last position. */
  private commit(batches: { streamId: string; events: CheckedEvent[] }[]): AppendResult[] {
    // Printed before anything is recorded: data JSON cannot hold (a BigInt, a cycle) throws here, and
    // the log is left as it was, as a failed statement leaves the Postgres log.
    const printed = batches.map(({ events }) =>
      events.map((e) => ({
        data: jsonbText(e.data),
        metadata: jsonbText(e.metadata),
      })),
    );
    const transaction = ++this.lastTransaction;
    const recordedAt = new Date().toISOString();
    return batches.map(({ streamId, events }, b) => {
      let stream = this.streams.get(streamId);
      if (!stream) this.streams.set(streamId, (stream = []));
      for (const [i, event] of events.entries()) {
        const stored: StoredEvent = {
          position: this.log.length + 1,
          transaction,
          streamId,
          streamVersion: stream.length + 1,
          eventId: event.eventId,
          type: event.type,
          schemaVersion: event.schemaVersion,
          ...printed[b][i],
          recordedAt,
        };
        this.log.push(stored);
        stream.push(stored);
        this.byEventId.set(stored.eventId, stored);
      }
      return { nextExpectedVersion: stream.length, lastPosition: this.log.length };
    });
  }

  /** The result of an earlier append of exactly this batch to this stream, if there was one. */
  private originalAppend(streamId: string, checked: CheckedEvent[]): AppendResult | undefined {
    const found = this.findEvents(checked.map((e) => e.eventId));
    if (found.length === 0) return undefined;
    if (found.length !== checked.length || found.some((e) => e.streamId !== streamId)) {
      throw new EventIdReused(
        streamId,
        found.map((e) => e.eventId),
      );
    }
    return lastOf(found);
  }

  /** The result of an earlier appendMany of exactly these batches, if there was one. */
  private originalAppendMany(checked: CheckedStreamAppend[]): AppendManyResult | undefined {
    const streamOf = new Map<string, string>();
    for (const c of checked) for (const e of c.events) streamOf.set(e.eventId, c.streamId);
    const found = this.findEvents([...streamOf.keys()]);
    if (found.length === 0) return undefined;
    const misplaced = found.find((e) => streamOf.get(e.eventId) !== e.streamId);
    if (found.length !== streamOf.size || misplaced) {
      throw new EventIdReused(
        misplaced ? streamOf.get(misplaced.eventId)! : checked[0].streamId,
        found.map((e) => e.eventId),
      );
    }
    return resultOfAppends(
      checked.map((c) => lastOf(found.filter((e) => e.streamId === c.streamId))),
    );
  }

  private findEvents(eventIds: string[]): StoredEvent[] {
    const found: StoredEvent[] = [];
    for (const id of eventIds) {
      const stored = this.byEventId.get(id);
      if (stored) found.push(stored);
    }
    return found;
  }
}

function recordedEventOf(e: StoredEvent): RecordedEvent {
  return {
    position: e.position,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: JSON.parse(e.data) as unknown,
    metadata: JSON.parse(e.metadata) as EventMetadata,
    eventId: e.eventId,
    recordedAt: e.recordedAt,
  };
}

function lastOf(events: StoredEvent[]): AppendResult {
  return {
    nextExpectedVersion: Math.max(...events.map((e) => e.streamVersion)),
    lastPosition: Math.max(...events.map((e) => e.position)),
  };
}

function resultOfAppends(streams: AppendResult[]): AppendManyResult {
  return { streams, lastPosition: Math.max(...streams.map((s) => s.lastPosition)) };
}
