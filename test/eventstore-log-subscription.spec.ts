import {
  acceptAnyObject,
  LogSubscription,
  PostgresEventStore,
  type EventStore,
  type LogSubscriptionOptions,
  type ReadAllResult,
} from '@federa/eventstore';
import { eventually } from '@federa/testing';
import { Pool } from 'pg';
import { openTestEventLog, testEvent, type TestEventLog } from './event-log-fixture';

const backlog = 3000;
const batchSize = 250;

describe('a log subscription', () => {
  let log: TestEventLog;
  let appended = 0;

  async function append(streamId: string, count: number): Promise<void> {
    const events = Array.from({ length: count }, (_, i) =>
      testEvent('UsageRecorded', { n: appended + i }),
    );
    await log.store.append(streamId, 'no-stream', events);
    appended += count;
  }

  /** The whole log as readAll gives it, once every event appended here is visible. */
  async function wholeLog(): Promise<ReadAllResult> {
    // A transaction open elsewhere on the shared server holds every reader back for a while.
    return (await eventually(async () => {
      const all = await log.store.readAll(null, 1_000_000);
      return all.events.length === appended ? all : undefined;
    }, 20_000))!;
  }

  /** Whether a connection of this database is reading through the store's cursor right now. */
  async function cursorOpen(): Promise<boolean> {
    const { rows } = await log.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND query LIKE 'FETCH % FROM eventlog_read_all'`,
    );
    return rows[0].n > 0;
  }

  /**
   * Subscribes from the start of the log over the backlog, then appends five events and checks that
   * the handler was given the whole log once, in order, page by page; answers whether a cursor was
   * reading while the first page was handled.
   */
  async function followWholeLog(store: EventStore, options: LogSubscriptionOptions = {}) {
    const caughtUpTo = await wholeLog();
    const pages: ReadAllResult[] = [];
    let readThroughCursor: boolean | undefined;
    const subscription = new LogSubscription(
      store,
      async (events, checkpoint) => {
        readThroughCursor ??= await cursorOpen();
        pages.push({ events, checkpoint });
      },
      { batchSize, pollMs: 10, ...options },
    );
    const seen = () => pages.flatMap((p) => p.events);
    try {
      await eventually(() => seen().length === caughtUpTo.events.length, 20_000);
      await append(`stats-live-${appended}`, 3);
      await append(`stats-live-${appended}`, 2);
      await eventually(() => seen().length === caughtUpTo.events.length + 5, 20_000);
      // Long enough for a doubled page to show.
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await subscription.stop();
    }
    const all = await wholeLog();
    expect(seen().map((e) => e.eventId)).toEqual(all.events.map((e) => e.eventId));
    expect(seen()).toEqual(all.events);
    for (const page of pages) {
      expect(page.checkpoint.position).toBe(page.events[page.events.length - 1].position);
    }
    expect(subscription.checkpoint).toEqual(all.checkpoint);
    return { readThroughCursor };
  }

  beforeAll(async () => {
    log = await openTestEventLog('es_subscription');
    for (let s = 0; appended < backlog; s++) await append(`stats-${s}`, 500);
  });

  afterAll(() => log?.close());

  it('catches up over a long log through one cursor, each event once and in order, then follows new ones', async () => {
    const { readThroughCursor } = await followWholeLog(log.store);
    expect(readThroughCursor).toBe(true);
  });

  it('catches up page by page with readAll when the store has no cursor', async () => {
    const { store } = log;
    const withoutCursor: EventStore = {
      append: (streamId, expected, events) => store.append(streamId, expected, events),
      readStream: (streamId, options) => store.readStream(streamId, options),
      readAll: (after, limit) => store.readAll(after, limit),
    };
    const { readThroughCursor } = await followWholeLog(withoutCursor);
    expect(readThroughCursor).toBe(false);
  });

  it('stopped while catching up, hands over no further page and closes the cursor', async () => {
    await wholeLog();
    const pages: ReadAllResult[] = [];
    let stopping: Promise<void> | undefined;
    const subscription: LogSubscription = new LogSubscription(
      log.store,
      async (events, checkpoint) => {
        pages.push({ events, checkpoint });
        stopping ??= subscription.stop();
      },
      { batchSize, pollMs: 10 },
    );
    await eventually(() => pages.length > 0);
    await stopping;
    expect(pages).toHaveLength(1);
    expect(subscription.checkpoint).toEqual(pages[0].checkpoint);
    expect(await cursorOpen()).toBe(false);
  });

  it("lets a handler use the store's only connection when told not to catch up through the cursor", async () => {
    // Were the cursor holding the connection, the handler's query would fail after this wait.
    const single = new Pool({
      connectionString: log.db.url,
      max: 1,
      connectionTimeoutMillis: 2000,
    });
    try {
      const store = new PostgresEventStore(single, { validate: acceptAnyObject });
      let queried = 0;
      const subscription = new LogSubscription(
        store,
        async () => {
          await single.query('SELECT 1');
          queried++;
        },
        { batchSize, pollMs: 10, catchUpThroughCursor: false },
      );
      try {
        await Promise.race([
          eventually(() => queried >= backlog / batchSize, 20_000),
          subscription.done,
        ]);
      } finally {
        await subscription.stop();
      }
      expect(queried).toBeGreaterThanOrEqual(backlog / batchSize);
    } finally {
      await single.end();
    }
  });
});
