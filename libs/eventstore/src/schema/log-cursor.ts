import type { Pool, PoolClient } from 'pg';
import type { LogCheckpoint } from '../event-store';
import { queryEventRows, type EventRow } from './event-row';
import { readAllQuery } from './read-all';

const cursorName = 'eventlog_read_all';

/**
 * readAllQuery from a checkpoint through one server-side cursor on a connection of its own: one plan
 * and one snapshot for the whole read, each page a FETCH (no index descent and no planning per page).
 * It ends at the transactions that had finished when it opened; what commits later is for readAll.
 */
export class LogCursor {
  private constructor(private readonly client: PoolClient) {}

  /** Takes a connection from the pool until close(). */
  static async open(pool: Pool, after: LogCheckpoint): Promise<LogCursor> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query({
        text: `DECLARE ${cursorName} NO SCROLL CURSOR FOR ${readAllQuery}`,
        values: [after.transactionId, after.position],
      });
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    return new LogCursor(client);
  }

  /** The next rows, at most `count`; empty once the cursor is exhausted. */
  fetch(count: number): Promise<EventRow[]> {
    if (!Number.isSafeInteger(count) || count < 1) {
      return Promise.reject(new RangeError(`page size must be a positive integer, got ${count}`));
    }
    return queryEventRows(this.client, { text: `FETCH ${count} FROM ${cursorName}` });
  }

  /** Ends the read-only transaction and gives the connection back (a broken one is discarded). */
  async close(): Promise<void> {
    try {
      await this.client.query('ROLLBACK');
    } catch (error) {
      this.client.release(error as Error);
      return;
    }
    this.client.release();
  }
}
