import { randomUUID } from 'node:crypto';
import { streamCategory, type NewEvent, type RecordedEvent } from '@federa/contracts';
import type { Pool } from 'pg';
import { EventIdReused } from './errors/event-id-reused';
import { StreamVersionConflict } from './errors/stream-version-conflict';
import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  LogCheckpoint,
  ReadAllResult,
} from './event-store';
import { logStart } from './event-store';
import { appendToStream } from './schema/append-to-stream';
import { checkpointOfRow, recordedEventOfRow, type EventRow } from './schema/event-row';
import { findEventsById } from './schema/find-events-by-id';
import { LogCursor } from './schema/log-cursor';
import { readAllRows } from './schema/read-all';
import { readStreamRows } from './schema/read-stream';
import { readStreamVersion } from './schema/read-stream-version';
import { checkNewEvents, type CheckedEvent } from './validation/check-new-events';
import { contractsEventValidator, contractsUpcaster } from './validation/contracts-event-validator';
import type { EventUpcaster, EventValidator } from './validation/event-validator';

export interface PostgresEventStoreOptions {
  /** Checks each event; @default the contracts registry (validateEvent). */
  validate?: EventValidator;
  /** Applied to every event read; @default the contracts registry's upcasters. */
  upcast?: EventUpcaster;
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
    const checked = checkNewEvents(streamId, events, this.validate, randomUUID);
    const expectedVersion = expected === 'any' ? null : expected === 'no-stream' ? 0 : expected;
    if (expectedVersion !== null && (!Number.isInteger(expectedVersion) || expectedVersion < 0)) {
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

  async readAll(after: LogCheckpoint | null, limit: number): Promise<ReadAllResult> {
    const from = after ?? logStart;
    const rows = await readAllRows(this.pool, from.transactionId, from.position, limit);
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
