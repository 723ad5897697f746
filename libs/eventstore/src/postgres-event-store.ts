import { randomUUID } from 'node:crypto';
import { streamCategory, type NewEvent, type RecordedEvent } from '@federa/contracts';
import { SpanKind, inSpan, tracingOn } from '@federa/runtime/tracing';
import type { Pool } from 'pg';
import { EventIdReused } from './errors/event-id-reused';
import { StreamVersionConflict } from './errors/stream-version-conflict';
import { StreamsVersionConflict } from './errors/streams-version-conflict';
import type {
  AppendManyResult,
  AppendResult,
  EventStore,
  ExpectedVersion,
  LogCheckpoint,
  PreparedAppendMany,
  ReadAllResult,
  StreamAppend,
} from './event-store';
import { logStart } from './event-store';
import { appendSpanParent, appendsWithTraceparent, withTraceparent } from './traced-append';
import { appendToStream } from './schema/append-to-stream';
import {
  appendToStreams,
  printStreamAppends,
  type CheckedStreamAppend,
} from './schema/append-to-streams';
import { checkpointOfRow, recordedEventOfRow, type EventRow } from './schema/event-row';
import { findEventsById } from './schema/find-events-by-id';
import { LogCursor } from './schema/log-cursor';
import { readAllOfActorRows, readAllRows } from './schema/read-all';
import { readStreamRows } from './schema/read-stream';
import { readStreamVersion } from './schema/read-stream-version';
import { readStreamVersions } from './schema/read-stream-versions';
import { checkNewEvents, type CheckedEvent } from './validation/check-new-events';
import {
  checkExpectedVersions,
  checkStreamAppends,
  expectedVersionOf,
} from './validation/check-stream-appends';
import { contractsEventValidator, contractsUpcaster } from './validation/contracts-event-validator';
import type { EventUpcaster, EventValidator } from './validation/event-validator';

export interface PostgresEventStoreOptions {
  /** Checks each event; @default the contracts registry (validateEvent). */
  validate?: EventValidator;
  /** Applied to every event read; @default the contracts registry's upcasters. */
  upcast?: EventUpcaster;
}

/** What prepareAppendMany keeps for appendManyPrepared. */
interface PreparedStatement extends PreparedAppendMany {
  checked: CheckedStreamAppend[];
  printed: Buffer;
}

/** Pages readAllPages asks for before the caller needs them. */
const pagesAhead = 2;

/** Appends with 'any' retry this often when a concurrent writer takes the same version. */
const anyVersionAttempts = 20;

/** The event log on PostgreSQL (schema `eventlog`, created by migrateEventStore). */
export class PostgresEventStore implements EventStore {
  private readonly validate: EventValidator;
  private readonly upcast: EventUpcaster;

  constructor(
    readonly pool: Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.validate = options.validate ?? contractsEventValidator;
    this.upcast = options.upcast ?? contractsUpcaster;
  }

  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: NewEvent[],
  ): Promise<AppendResult> {
    if (!tracingOn()) return this.appendToOne(streamId, expected, events);
    return inSpan(
      'federa-eventstore',
      `append ${streamCategory(streamId)}`,
      () => this.appendToOne(streamId, expected, withTraceparent(events)),
      { kind: SpanKind.CLIENT, attributes: appendAttributes(1), parent: appendSpanParent(events) },
    );
  }

  private async appendToOne(
    streamId: string,
    expected: ExpectedVersion,
    events: NewEvent[],
  ): Promise<AppendResult> {
    const checked = checkNewEvents(streamId, events, this.validate, randomUUID);
    const expectedVersion = expectedVersionOf(expected);
    if (expectedVersion === undefined) {
      throw new StreamVersionConflict(
        streamId,
        expected,
        await readStreamVersion(this.pool, streamId),
      );
    }
    const category = streamCategory(streamId);
    for (let attempt = 1; ; attempt++) {
      try {
        const appended = await appendToStream(
          this.pool,
          streamId,
          category,
          expectedVersion,
          checked,
        );
        if (appended) {
          return { nextExpectedVersion: appended.lastVersion, lastPosition: appended.lastPosition };
        }
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error;
      }
      // Nothing was appended: either this batch is already there (a retry), or someone else wrote.
      const original = await this.originalAppend(streamId, checked);
      if (original) return original;
      if (expectedVersion === null && attempt < anyVersionAttempts) continue;
      throw new StreamVersionConflict(
        streamId,
        expected,
        await readStreamVersion(this.pool, streamId),
      );
    }
  }

  async appendMany(appends: StreamAppend[]): Promise<AppendManyResult> {
    if (!tracingOn()) return this.appendToMany(appends);
    return inSpan(
      'federa-eventstore',
      'append many',
      () => this.appendToMany(appendsWithTraceparent(appends)),
      {
        kind: SpanKind.CLIENT,
        attributes: appendAttributes(appends.length),
        parent: appendSpanParent(appends[0]?.events),
      },
    );
  }

  private async appendToMany(appends: StreamAppend[]): Promise<AppendManyResult> {
    const checked = checkStreamAppends(appends, this.validate, randomUUID);
    return this.appendChecked(
      checked,
      appends.map((a) => a.expected),
      printStreamAppends(checked),
    );
  }

  prepareAppendMany(appends: Omit<StreamAppend, 'expected'>[]): PreparedAppendMany {
    const checked = checkStreamAppends(
      (tracingOn() ? appendsWithTraceparent(appends) : appends).map((a) => ({
        ...a,
        expected: 'any' as const,
      })),
      this.validate,
      randomUUID,
    );
    const prepared: PreparedStatement = {
      streamIds: checked.map((c) => c.streamId),
      checked,
      printed: printStreamAppends(checked),
    };
    return prepared;
  }

  async appendManyPrepared(
    prepared: PreparedAppendMany,
    expected: readonly ExpectedVersion[],
  ): Promise<AppendManyResult> {
    const { checked, printed } = prepared as PreparedStatement;
    const versions = checkExpectedVersions(expected, checked.length);
    if (tracingOn()) {
      return inSpan(
        'federa-eventstore',
        'append many',
        () =>
          this.appendChecked(
            checked.map((c, i) => ({ ...c, expectedVersion: versions[i] })),
            expected,
            printed,
          ),
        {
          kind: SpanKind.CLIENT,
          attributes: appendAttributes(checked.length),
          parent: appendSpanParent(checked[0]?.events),
        },
      );
    }
    return this.appendChecked(
      checked.map((c, i) => ({ ...c, expectedVersion: versions[i] })),
      expected,
      printed,
    );
  }

  /** Sends checked appends (`printed` is their statement's rows), telling a retry from a conflict. */
  private async appendChecked(
    checked: CheckedStreamAppend[],
    expected: readonly ExpectedVersion[],
    printed: Buffer,
  ): Promise<AppendManyResult> {
    for (let attempt = 1; ; attempt++) {
      let conflicts: Map<string, number> | undefined;
      try {
        const outcome = await appendToStreams(this.pool, checked, printed);
        if (outcome.appended) {
          return resultOfAppends(
            checked.map((c) => {
              const s = outcome.streams.get(c.streamId)!;
              return { nextExpectedVersion: s.lastVersion, lastPosition: s.lastPosition };
            }),
          );
        }
        conflicts = outcome.conflicts;
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error;
      }
      // Nothing was appended: either this batch is already there (a retry), or someone else wrote.
      const original = await this.originalAppendMany(checked);
      if (original) return original;
      conflicts ??= await this.versionConflicts(checked);
      if (conflicts.size === 0) {
        // Only 'any' streams raced with another writer: try again on their new versions.
        if (attempt < anyVersionAttempts) continue;
        conflicts = await readStreamVersions(
          this.pool,
          checked.map((c) => c.streamId),
        );
      }
      const expectedOf = new Map(checked.map((c, i) => [c.streamId, expected[i]]));
      throw new StreamsVersionConflict(
        [...conflicts].map(([streamId, actual]) => ({
          streamId,
          expected: expectedOf.get(streamId)!,
          actual,
        })),
      );
    }
  }

  async readStream(
    streamId: string,
    options: { fromVersion?: number } = {},
  ): Promise<{ events: RecordedEvent[]; version: number }> {
    const fromVersion = options.fromVersion ?? 1;
    const rows = await readStreamRows(this.pool, streamId, fromVersion);
    const events = rows.map((row) => this.upcast(recordedEventOfRow(row)));
    const version =
      events.length > 0
        ? events[events.length - 1].streamVersion
        : fromVersion > 1
          ? await readStreamVersion(this.pool, streamId)
          : 0;
    return { events, version };
  }

  /** `filter.actor`: only the events whose `metadata.actor` is exactly this (docs/security/audit.md). */
  async readAll(
    after: LogCheckpoint | null,
    limit: number,
    filter: { actor?: string } = {},
  ): Promise<ReadAllResult> {
    const from = after ?? logStart;
    const rows =
      filter.actor === undefined
        ? await readAllRows(this.pool, from.transactionId, from.position, limit)
        : await readAllOfActorRows(
            this.pool,
            from.transactionId,
            from.position,
            limit,
            filter.actor,
          );
    return rows.length === 0 ? { events: [], checkpoint: from } : this.pageOfRows(rows);
  }

  async *readAllPages(
    after: LogCheckpoint | null,
    pageSize: number,
  ): AsyncGenerator<ReadAllResult, void, undefined> {
    const cursor = await LogCursor.open(this.pool, after ?? logStart);
    // Two FETCHes queued on the connection: the server streams the next page while the client parses
    // one and the caller works on another.
    const ahead: Promise<EventRow[]>[] = [];
    const fetchAhead = () => {
      while (ahead.length < pagesAhead) {
        const next = cursor.fetch(pageSize);
        // Not awaited if the caller stops early: finally below waits for it instead.
        next.catch(() => undefined);
        ahead.push(next);
      }
    };
    try {
      fetchAhead();
      for (;;) {
        const rows = await ahead.shift()!;
        if (rows.length === 0) return;
        if (rows.length === pageSize) fetchAhead();
        yield this.pageOfRows(rows);
        if (rows.length < pageSize) return;
      }
    } finally {
      await Promise.allSettled(ahead);
      await cursor.close();
    }
  }

  private pageOfRows(rows: EventRow[]): ReadAllResult {
    const events = new Array<RecordedEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) events[i] = this.upcast(recordedEventOfRow(rows[i]));
    return { events, checkpoint: checkpointOfRow(rows[rows.length - 1]) };
  }

  /** The streams (with an expected version) that are elsewhere now, with their versions. */
  private async versionConflicts(checked: CheckedStreamAppend[]): Promise<Map<string, number>> {
    const versions = await readStreamVersions(
      this.pool,
      checked.map((c) => c.streamId),
    );
    const conflicts = new Map<string, number>();
    for (const c of checked) {
      const actual = versions.get(c.streamId) ?? 0;
      if (c.expectedVersion !== null && actual !== c.expectedVersion)
        conflicts.set(c.streamId, actual);
    }
    return conflicts;
  }

  /** The result of an earlier appendMany of exactly these batches, if there was one. */
  private async originalAppendMany(
    checked: CheckedStreamAppend[],
  ): Promise<AppendManyResult | undefined> {
    const streamOf = new Map<string, string>();
    for (const c of checked) for (const e of c.events) streamOf.set(e.eventId, c.streamId);
    const found = await findEventsById(this.pool, [...streamOf.keys()]);
    if (found.length === 0) return undefined;
    const misplaced = found.find((e) => streamOf.get(e.eventId) !== e.streamId);
    if (found.length !== streamOf.size || misplaced) {
      throw new EventIdReused(
        misplaced ? streamOf.get(misplaced.eventId)! : checked[0].streamId,
        found.map((e) => e.eventId),
      );
    }
    return resultOfAppends(
      checked.map((c) => {
        const mine = found.filter((e) => e.streamId === c.streamId);
        return {
          nextExpectedVersion: Math.max(...mine.map((e) => e.streamVersion)),
          lastPosition: Math.max(...mine.map((e) => e.position)),
        };
      }),
    );
  }

  /** The result of an earlier append of exactly this batch to this stream, if there was one. */
  private async originalAppend(
    streamId: string,
    checked: CheckedEvent[],
  ): Promise<AppendResult | undefined> {
    const found = await findEventsById(
      this.pool,
      checked.map((e) => e.eventId),
    );
    if (found.length === 0) return undefined;
    if (found.length !== checked.length || found.some((e) => e.streamId !== streamId)) {
      throw new EventIdReused(
        streamId,
        found.map((e) => e.eventId),
      );
    }
    return {
      nextExpectedVersion: Math.max(...found.map((e) => e.streamVersion)),
      lastPosition: Math.max(...found.map((e) => e.position)),
    };
  }
}

function resultOfAppends(streams: AppendResult[]): AppendManyResult {
  return { streams, lastPosition: Math.max(...streams.map((s) => s.lastPosition)) };
}

/** What an append span says besides its name. */
function appendAttributes(streams: number): Record<string, string | number> {
  return { 'db.system.name': 'postgresql', 'federa.streams': streams };
}
