import { checkpointAfterPosition, type EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import type { StatisticsEventHandlers } from '../statistics-event-handlers';
import { applyEvent } from './apply-event';
import { lockConsumerState, readConsumerState, saveConsumerState } from './consumer-state';
import { inTransaction } from './in-transaction';

/** Events read from the log per page, each page applied in one transaction. */
const pageSize = 500;

/** Where a catch-up stops: before the event the stream delivered after its gap, or at the log's end. */
export type CatchUpTarget =
  { kind: 'message'; position: number; streamSeq: number } | { kind: 'log-end'; streamSeq: number };

export interface LogCatchUpOptions {
  pool: Pool;
  store: EventStore;
  consumer: string;
  handlers: StatisticsEventHandlers;
  /** The subject dead letters of caught-up events are recorded under. */
  subject: string;
  log?: (message: string) => void;
  /** Called after each page: a long catch-up tells JetStream it is still on the message in hand. */
  onPage?: () => void;
}

/**
 * Applies, from the Postgres log, the events the stream no longer holds: those after the consumer's
 * last applied event, in the log's commit order (the order the relay published them in), up to the
 * target. Each page is one transaction that also moves the consumer's state, so a crash mid-way
 * resumes where it stopped and applies nothing twice.
 */
export async function catchUpFromLog(
  options: LogCatchUpOptions,
  target: CatchUpTarget,
): Promise<number> {
  const { pool, store, consumer } = options;
  let applied = 0;
  for (;;) {
    // The page is read before the transaction, so that no connection is held waiting for another.
    const seen = await readConsumerState(pool, consumer);
    if (!seen || seen.lastStreamSeq >= target.streamSeq) return applied;
    const { events } = await store.readAll(
      await checkpointAfterPosition(pool, seen.lastPosition),
      pageSize,
    );
    const page = await inTransaction(pool, async (db) => {
      const state = await lockConsumerState(db, consumer);
      if (state.lastPosition !== seen.lastPosition || state.lastStreamSeq !== seen.lastStreamSeq) {
        return { done: false, count: 0 }; // moved meanwhile: read again from where it is now
      }
      let count = 0;
      let reached = events.length === 0;
      for (const event of events) {
        if (target.kind === 'message' && event.position === target.position) {
          reached = true;
          break;
        }
        if (event.position === state.lastPosition) continue;
        const outcome = await applyEvent(db, consumer, options.handlers, event, options.subject);
        if (outcome !== 'skipped') count++;
        state.lastPosition = event.position;
      }
      if (reached) {
        if (target.kind === 'message' && events.length === 0) {
          options.log?.(
            `catch-up reached the end of the log before position ${target.position}; going on from the stream`,
          );
        }
        state.lastStreamSeq = target.streamSeq;
      }
      state.caughtUp += count;
      await saveConsumerState(db, consumer, state);
      return { done: reached, count };
    });
    applied += page.count;
    if (page.done) return applied;
    options.onPage?.();
  }
}
