import type { RecordedEvent } from '@federa/contracts';
import {
  ProjectionRunner,
  type PostgresEventStore,
  type Projection,
  type Queryable,
} from '@federa/eventstore';
import { eventually } from '@federa/testing';
import type { Pool } from 'pg';
import { openTestEventLog, testEvent, type TestEventLog } from './event-log-fixture';

/** Counts events per type, and fails the first `failures` pages it is given. */
class FlakyCountProjection implements Projection {
  readonly name = 'flaky.counts';
  setups = 0;

  constructor(private failures: number) {}

  async setup(db: Queryable): Promise<void> {
    this.setups++;
    await db.query({
      text: `CREATE SCHEMA IF NOT EXISTS flaky;
        CREATE TABLE IF NOT EXISTS flaky.counts (type text PRIMARY KEY, n int NOT NULL)`,
    });
  }

  async apply(db: Queryable, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      await db.query({
        text: `INSERT INTO flaky.counts (type, n) VALUES ($1, 1)
               ON CONFLICT (type) DO UPDATE SET n = counts.n + 1`,
        values: [event.type],
      });
    }
    if (this.failures > 0) {
      this.failures--;
      throw new Error('projection failed on purpose');
    }
  }

  async drop(db: Queryable): Promise<void> {
    await db.query({ text: 'DROP SCHEMA IF EXISTS flaky CASCADE' });
  }
}

describe('a projection runner with a retry delay', () => {
  let log: TestEventLog;
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    log = await openTestEventLog('eventstore_retry');
    ({ pool, store } = log);
  });

  afterAll(() => log?.close());

  it('reports each failure, goes on following the log and applies every event once', async () => {
    const events = Array.from({ length: 12 }, (_, n) => testEvent('Counted', { n }));
    await store.append('counter-1', 'no-stream', events);
    const errors: unknown[] = [];
    const runner = new ProjectionRunner(pool, store, new FlakyCountProjection(2), {
      batchSize: 5,
      pollMs: 10,
      retryDelayMs: 10,
      onError: (error) => errors.push(error),
    });
    const following = runner.start();
    try {
      await eventually(async () => {
        const { rows } = await pool.query<{ n: number }>('SELECT n FROM flaky.counts');
        return rows[0]?.n === 12;
      });
    } finally {
      await runner.stop();
    }
    await expect(following).resolves.toBeUndefined();
    expect(errors.map((e) => (e as Error).message)).toEqual([
      'projection failed on purpose',
      'projection failed on purpose',
    ]);
    // Stopped means stopped: nothing is applied a second time afterwards.
    await new Promise((r) => setTimeout(r, 100));
    const { rows } = await pool.query<{ n: number }>('SELECT n FROM flaky.counts');
    expect(rows[0].n).toBe(12);
  });

  it('stops during a retry delay without setting up or applying anything again', async () => {
    const projection = new FlakyCountProjection(100);
    const errors: unknown[] = [];
    const runner = new ProjectionRunner(pool, store, projection, {
      pollMs: 10,
      retryDelayMs: 60_000,
      onError: (error) => errors.push(error),
    });
    await pool.query(`DELETE FROM eventlog.checkpoints WHERE name = 'flaky.counts'`);
    const following = runner.start();
    await eventually(() => errors.length === 1);
    await runner.stop();
    await expect(following).resolves.toBeUndefined();
    expect(projection.setups).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('without a retry delay, rejects start() with the first failure', async () => {
    const failing = new ProjectionRunner(pool, store, new FlakyCountProjection(1), { pollMs: 10 });
    // From the start of the log again, so that there is a page to fail on.
    await pool.query(`DELETE FROM eventlog.checkpoints WHERE name = 'flaky.counts'`);
    await expect(failing.start()).rejects.toThrow('projection failed on purpose');
  });
});
