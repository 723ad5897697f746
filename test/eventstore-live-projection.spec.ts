import type { RecordedEvent } from '@federa/contracts';
import {
  LiveProjection,
  type PostgresEventStore,
  type Projection,
  type Queryable,
} from '@federa/eventstore';
import { eventually } from '@federa/testing';
import type { Pool } from 'pg';
import { openTestEventLog, testEvent, type TestEventLog } from './event-log-fixture';

/** Counts the events it is given in `live.counted`; fails the first `failures` pages. */
class CountingProjection implements Projection {
  readonly name = 'live.counted';

  constructor(private failures = 0) {}

  async setup(db: Queryable): Promise<void> {
    await db.query({
      text: `CREATE SCHEMA IF NOT EXISTS live;
        CREATE TABLE IF NOT EXISTS live.counted (id int PRIMARY KEY, n int NOT NULL);
        INSERT INTO live.counted VALUES (1, 0) ON CONFLICT DO NOTHING`,
    });
  }

  async apply(db: Queryable, events: RecordedEvent[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('projection failed on purpose');
    }
    await db.query({ text: 'UPDATE live.counted SET n = n + $1', values: [events.length] });
  }

  async drop(db: Queryable): Promise<void> {
    await db.query({ text: 'DROP SCHEMA IF EXISTS live CASCADE' });
  }
}

describe('a live projection', () => {
  let log: TestEventLog;
  let pool: Pool;
  let store: PostgresEventStore;
  let live: LiveProjection | undefined;

  beforeEach(async () => {
    log = await openTestEventLog('eventstore_live');
    ({ pool, store } = log);
  });

  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await log?.close();
  });

  async function counted(): Promise<number> {
    const { rows } = await pool.query<{ n: number }>('SELECT n FROM live.counted');
    return rows[0]?.n ?? 0;
  }

  const events = (n: number) => Array.from({ length: n }, (_, i) => testEvent('Counted', { i }));

  it('has caught up with the log by the time start() resolves, then follows what comes after', async () => {
    await store.append('counter-1', 'no-stream', events(3));
    live = new LiveProjection(pool, store, new CountingProjection(), { pollMs: 10 });

    await live.start();
    expect(await counted()).toBe(3);

    await store.append('counter-1', 3, events(2));
    await eventually(async () => (await counted()) === 5);
  });

  it('does not follow the log when it was stopped while catching up', async () => {
    await store.append('counter-1', 'no-stream', events(3));
    live = new LiveProjection(pool, store, new CountingProjection(), { pollMs: 10 });
    const starting = live.start();
    await live.stop();
    await starting;

    await store.append('counter-1', 3, events(2));
    const before = await counted();
    await new Promise((r) => setTimeout(r, 200));
    expect(await counted()).toBe(before);
  });

  it('lets a writer wait until the model includes its own append', async () => {
    live = new LiveProjection(pool, store, new CountingProjection(), { pollMs: 60_000 });
    await live.start();

    const appended = await store.append('counter-1', 'no-stream', events(4));
    await live.reach(appended.lastPosition);

    expect(await counted()).toBe(4);
  });

  it('reports each failure in one line and goes on following from where it stood', async () => {
    const lines: string[] = [];
    live = new LiveProjection(pool, store, new CountingProjection(1), {
      pollMs: 10,
      retryDelayMs: 10,
      logError: (line) => lines.push(line),
    });
    await live.start();

    await store.append('counter-1', 'no-stream', events(3));

    await eventually(async () => (await counted()) === 3);
    expect(lines).toEqual([
      'projection stopped, restarting in 0.01 s: projection failed on purpose',
    ]);
  });

  it('rebuilds the model from the whole log', async () => {
    await store.append('counter-1', 'no-stream', events(6));
    live = new LiveProjection(pool, store, new CountingProjection(), { pollMs: 60_000 });
    await live.start();
    await pool.query('UPDATE live.counted SET n = 0');

    expect(await live.rebuild()).toBe(6);
    expect(await counted()).toBe(6);
  });
});
