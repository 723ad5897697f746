import { logStart, type LogCheckpoint } from '@federa/eventstore';
import type { Pool } from 'pg';

/**
 * The log's head as (transaction id, position), read from a statement that starts after the caller
 * asked: everything its caller saw committed is at or below it. Callers that ask while a read is
 * on its way share the next one, so a burst of requests costs one round trip per round trip's time,
 * not one each.
 */
export class LogHeadWatch {
  private reading: Promise<LogCheckpoint> | undefined;
  private queued: Promise<LogCheckpoint> | undefined;

  constructor(private readonly pool: Pool) {}

  /** The head as of a read started after this call; logStart's position 0 when the log is empty. */
  fresh(): Promise<LogCheckpoint> {
    if (this.queued) return this.queued;
    if (!this.reading) return this.read();
    // The read on its way started before this call: it may have missed what the caller saw.
    const after = this.reading.then(
      () => undefined,
      () => undefined,
    );
    this.queued = after.then(() => {
      this.queued = undefined;
      return this.read();
    });
    return this.queued;
  }

  private read(): Promise<LogCheckpoint> {
    const reading = this.pool
      .query<{ transaction_id: string; position: string }>({
        name: 'eventlog.head',
        // The highest (transaction id, position), the order readers checkpoint in, from its index.
        text: `SELECT transaction_id, position FROM eventlog.events
               ORDER BY transaction_id DESC, position DESC LIMIT 1`,
      })
      .then(({ rows }) =>
        rows.length === 0
          ? logStart
          : { transactionId: rows[0].transaction_id, position: Number(rows[0].position) },
      );
    this.reading = reading;
    const done = () => {
      if (this.reading === reading) this.reading = undefined;
    };
    reading.then(done, done);
    return reading;
  }
}

/** Orders checkpoints as readers do: by transaction id (an xid8, compared as a number), then position. */
export function compareCheckpoints(a: LogCheckpoint, b: LogCheckpoint): number {
  const x = a.transactionId;
  const y = b.transactionId;
  if (x !== y) {
    if (x.length !== y.length) return x.length - y.length;
    return x < y ? -1 : 1;
  }
  return a.position - b.position;
}
