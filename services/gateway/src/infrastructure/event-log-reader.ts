import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { RecordedEvent } from '@federa/contracts';
import {
  checkpointAfterPosition,
  LogSubscription,
  type EventStore,
  migrateEventStore,
  PostgresEventStore,
} from '@federa/eventstore';
import type { Pool } from 'pg';
import { Observable } from 'rxjs';
import { DATABASE_POOL } from './database/database-pool';
import { positionBeforeTime } from './position-before-time';
import { matchesEventFilters, narrows, type EventFilters } from '../domain/event-filters';

/**
 * How many events of the log one filtered page reads at most, and in reads of how many: a filter
 * that matches rarely costs a bounded read per request, and the client follows `next`.
 */
const filteredPageScanBudget = 10_000;
const filteredPageChunk = 1_000;

/** The gateway's read side of the event log: pages by position and a live feed. */
@Injectable()
export class EventLogReader implements OnModuleInit {
  private readonly store: PostgresEventStore;

  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {
    this.store = new PostgresEventStore(pool);
  }

  /** The log's tables exist before the first read, even when no writer has started yet. */
  async onModuleInit(): Promise<void> {
    await migrateEventStore(this.pool);
  }

  /**
   * Up to `limit` events after position `after`, in commit-safe order, only `actor`'s and those
   * passing `filters` when given; `next` continues the page. A filtered page reads at most
   * `scanBudget` events of the log: it may answer fewer than `limit` events while more remain, and
   * the log is read to its end once `next` stays at the `after` asked.
   */
  async page(
    after: number,
    limit: number,
    actor?: string,
    filters: EventFilters = {},
    scanBudget = filteredPageScanBudget,
  ): Promise<{ items: RecordedEvent[]; next: number }> {
    const start = await this.startOf(after, filters);
    let checkpoint = await checkpointAfterPosition(this.pool, start);
    const only = actor === undefined ? {} : { actor };
    if (!narrows(filters)) {
      const { events } = await this.store.readAll(checkpoint, limit, only);
      return {
        items: events,
        next: events.length > 0 ? events[events.length - 1].position : after,
      };
    }
    if (filters.stream !== undefined)
      return this.streamPage(filters.stream, start, limit, actor, filters);
    const items: RecordedEvent[] = [];
    let next = start;
    let scanned = 0;
    while (scanned < scanBudget) {
      const chunk = Math.min(filteredPageChunk, scanBudget - scanned);
      const read = await this.store.readAll(checkpoint, chunk, only);
      for (const event of read.events) {
        scanned++;
        next = event.position;
        if (matchesEventFilters(event, filters) && items.push(event) === limit)
          return { items, next };
      }
      if (read.events.length < chunk) break;
      checkpoint = read.checkpoint;
    }
    return { items, next };
  }

  /**
   * A page of one stream's events after `start`, read through the stream's own index rather than
   * the log: a stream's events are in log order (each append waits for the one before it).
   */
  private async streamPage(
    stream: string,
    start: number,
    limit: number,
    actor: string | undefined,
    filters: EventFilters,
  ): Promise<{ items: RecordedEvent[]; next: number }> {
    const { events } = await this.store.readStream(stream);
    const items = events
      .filter(
        (e) =>
          e.position > start &&
          (actor === undefined || e.metadata.actor === actor) &&
          matchesEventFilters(e, filters),
      )
      .slice(0, limit);
    return { items, next: items.length > 0 ? items[items.length - 1].position : start };
  }

  /** Where a read asked with `after` and `from` starts: the later of the two. */
  private async startOf(after: number, filters: EventFilters): Promise<number> {
    if (filters.from === undefined) return after;
    return Math.max(after, await positionBeforeTime(this.pool, filters.from));
  }

  /**
   * Every event after `after`, then new ones as they commit, until the subscriber leaves; only
   * `actor`'s and those passing `filters` when given.
   */
  follow(
    after: number,
    actor?: string,
    filters: EventFilters = {},
    pollMs = 200,
  ): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      let subscription: LogSubscription | undefined;
      let closed = false;
      this.startOf(after, filters)
        .then((start) => checkpointAfterPosition(this.pool, start))
        .then((from) => {
          if (closed) return;
          subscription = new LogSubscription(
            actor === undefined ? this.store : logOfActor(this.store, actor),
            async (events) => {
              for (const e of events) if (matchesEventFilters(e, filters)) subscriber.next(e);
            },
            {
              after: from,
              pollMs,
              // A cursor would hold one of the API's pooled connections per client while it catches
              // up: many clients following from far back would starve the API. Pages release it.
              catchUpThroughCursor: false,
              onError: (error) => subscriber.error(error),
            },
          );
        })
        .catch((error) => subscriber.error(error));
      return () => {
        closed = true;
        void subscription?.stop();
      };
    });
  }
}

/**
 * The log as `actor`'s events only, read through the actor index: a rare actor's stream does not
 * read the whole log (docs/security/audit.md). Only reading is asked of it.
 */
function logOfActor(store: PostgresEventStore, actor: string): EventStore {
  return {
    append: (...args) => store.append(...args),
    readStream: (...args) => store.readStream(...args),
    readAll: (after, limit) => store.readAll(after, limit, { actor }),
  };
}
