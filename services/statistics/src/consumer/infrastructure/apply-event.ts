import type { RecordedEvent } from '@federa/contracts';
import { PermanentFailure, recordDeadLetter } from '@federa/messaging';
import type { PoolClient } from 'pg';
import type { StatisticsEventHandlers } from '../statistics-event-handlers';
import { markHandled } from './consumer-state';

/**
 * What became of one event: applied, skipped (its position already handled), dead-lettered, or
 * ignored (no handler wants its type: nothing is kept of it, its position included).
 */
export type Applied = 'applied' | 'skipped' | 'dead-lettered' | 'ignored';

/**
 * Applies one event inside the caller's transaction, exactly once per consumer: its position is
 * marked handled with its effect. A handler's PermanentFailure undoes that handler's work (a savepoint),
 * keeps the event in eventlog.dead_letters and still marks the position, so nothing retries it; any
 * other error propagates and the caller's transaction is rolled back whole.
 */
export async function applyEvent(
  db: PoolClient,
  consumer: string,
  handlers: StatisticsEventHandlers,
  event: RecordedEvent,
  subject: string,
): Promise<Applied> {
  if (!handlers.wants(event.type)) return 'ignored';
  if (!(await markHandled(db, consumer, event.position))) return 'skipped';
  await db.query('SAVEPOINT statistics_event');
  try {
    await handlers.apply(event, db);
    await db.query('RELEASE SAVEPOINT statistics_event');
    return 'applied';
  } catch (error) {
    if (!(error instanceof PermanentFailure)) throw error;
    await db.query('ROLLBACK TO SAVEPOINT statistics_event');
    await recordDeadLetter(db, {
      consumer,
      subject,
      messageId: event.eventId,
      deliveries: 1,
      reason: error.message,
      payload: JSON.stringify(event),
    });
    return 'dead-lettered';
  }
}
