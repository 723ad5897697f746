import type { NewEvent, RecordedEvent } from '@federa/contracts';

/** What a writer expects the stream to be at: a version, no stream yet, or anything. */
export type ExpectedVersion = number | 'no-stream' | 'any';

export interface AppendResult {
  /** The stream's version after the append (its last event's streamVersion; the first event is 1). */
  nextExpectedVersion: number;
  /** Global position of the last appended event. */
  lastPosition: number;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  streamId: string;
  expected: ExpectedVersion;
  events: NewEvent[];
}

/**
 * A multi-stream append checked and printed ahead of sending (`prepareAppendMany`), its streams'
 * expected versions given when it is sent (`appendManyPrepared`). Opaque.
 */
export interface PreparedAppendMany {
  /** The streams, in the order given; `appendManyPrepared` takes one expected version for each. */
  readonly streamIds: readonly string[];
}

export interface AppendManyResult {
  /** One per StreamAppend, in the order given. */
  streams: AppendResult[];
  /** Global position of the last appended event of the whole batch. */
  lastPosition: number;
}

/** Where a reader is in the log; opaque to callers, ordered by (transaction id, position). */
export interface LogCheckpoint {
  transactionId: string;
  position: number;
}

/** The start of the log: every event comes after it. */
export const logStart: LogCheckpoint = { transactionId: '0', position: 0 };

export interface ReadAllResult {
  events: RecordedEvent[];
  /** Pass back as `after` to continue; unchanged when nothing new is visible yet. */
  checkpoint: LogCheckpoint;
}

/**
 * The append-only log: events are never updated or deleted. Streams are named `category-id`.
 * Implementations: PostgresEventStore, InMemoryEventStore; both pass describeEventStoreContract
 * (src/testing/event-store-contract.ts), which a new implementation should run too.
 */
export interface EventStore {
  /**
   * Atomic per batch; a wrong expected version throws StreamVersionConflict; malformed events throw
   * ValidationFailed and nothing is appended. Same event ids again: no-op returning the original result.
   */
  append(streamId: string, expected: ExpectedVersion, events: NewEvent[]): Promise<AppendResult>;
  /**
   * Appends to several streams atomically, in one statement: all or nothing. Streams whose expected
   * version is wrong are named in one StreamsVersionConflict; malformed events throw ValidationFailed
   * (paths `appends[i].events[j]...`); the same event ids again: no-op returning the original result.
   * Positions follow stream id order (a fixed order keeps concurrent batches from deadlocking), then
   * each stream's own order. Optional: both stores implement it.
   */
  appendMany?(appends: StreamAppend[]): Promise<AppendManyResult>;
  /**
   * appendMany in two steps, for a writer that knows its events before the streams' versions (placement
   * prints its next round while the last one commits): checks every event and prints the statement now
   * (throws ValidationFailed as appendMany does); nothing is sent. Optional, with appendManyPrepared.
   */
  prepareAppendMany?(appends: Omit<StreamAppend, 'expected'>[]): PreparedAppendMany;
  /** Sends a prepared append with each stream's expected version, in the order prepared: as appendMany. */
  appendManyPrepared?(
    prepared: PreparedAppendMany,
    expected: readonly ExpectedVersion[],
  ): Promise<AppendManyResult>;
  /** Every event of one stream in stream order, upcast to the latest schema versions; version 0 when empty. */
  readStream(
    streamId: string,
    options?: { fromVersion?: number },
  ): Promise<{ events: RecordedEvent[]; version: number }>;
  /** Events after the checkpoint in commit-safe order; never skips an event committed later. */
  readAll(after: LogCheckpoint | null, limit: number): Promise<ReadAllResult>;
  /**
   * The pages repeated readAll calls would give, for catching up over a long log: read through one
   * cursor, the next page fetched while the caller works on the current one. Ends at the events visible
   * when it started (continue with readAll from the last page's checkpoint). Stopping the iteration
   * early releases the cursor. Optional: a reader falls back to readAll when a store lacks it.
   */
  readAllPages?(after: LogCheckpoint | null, pageSize: number): AsyncIterable<ReadAllResult>;
}
