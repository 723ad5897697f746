import { checkpointAfterPosition, type EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import type { StatisticsEventHandlers } from '../statistics-event-handlers';
import { applyEvent } from './apply-event';
import { lockConsumerState, saveConsumerState } from './consumer-state';
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
  let applied = 0;
  for (;;) {
    const page = await inTransaction(options.pool, async (db) => {
      const state = await lockConsumerState(db, options.consumer);
      if (state.lastStreamSeq >= target.streamSeq) return { done: true, count: 0 };
      const after = await checkpointAfterPosition(db, state.lastPosition);
      const { events } = await options.store.readAll(after, pageSize);
      let count = 0;
      let reached = events.length === 0;
      for (const event of events) {
        if (target.kind === 'message' && event.position === target.position) {
          reached = true;
          break;
        }
        if (event.position === state.lastPosition) continue;
        const outcome = await applyEvent(
          db,
          options.consumer,
          options.handlers,
          event,
          options.subject,
        );
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
      await saveConsumerState(db, options.consumer, state);
      return { done: reached, count };
    });
    applied += page.count;
    if (page.done) return applied;
  }
}
