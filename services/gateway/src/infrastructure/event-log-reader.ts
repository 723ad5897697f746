import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { RecordedEvent } from '@federa/contracts';
import {
  checkpointAfterPosition,
  LogSubscription,
  migrateEventStore,
  PostgresEventStore,
} from '@federa/eventstore';
import type { Pool } from 'pg';
import { Observable } from 'rxjs';
import { DATABASE_POOL } from './database/database-pool';

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

  /** Up to `limit` events after position `after`, in commit-safe order; `next` continues the page. */
  async page(after: number, limit: number): Promise<{ items: RecordedEvent[]; next: number }> {
    const from = await checkpointAfterPosition(this.pool, after);
    const { events } = await this.store.readAll(from, limit);
    return { items: events, next: events.length > 0 ? events[events.length - 1].position : after };
  }

  /** Every event after `after`, then new ones as they commit, until the subscriber leaves. */
  follow(after: number, pollMs = 200): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      let subscription: LogSubscription | undefined;
      let closed = false;
      checkpointAfterPosition(this.pool, after)
        .then((from) => {
          if (closed) return;
          subscription = new LogSubscription(
            this.store,
            async (events) => events.forEach((e) => subscriber.next(e)),
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
