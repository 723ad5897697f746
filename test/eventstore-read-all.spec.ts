import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@federa/contracts';
import {
  acceptAnyObject,
  LogSubscription,
  PostgresEventStore,
  type LogCheckpoint,
} from '@federa/eventstore';
import { eventually } from '@federa/testing';
import { Pool, type PoolClient } from 'pg';
import { openTestEventLog, testEvent, type TestEventLog } from './event-log-fixture';

const event = (n: number) => testEvent('UsageRecorded', { n });

/** Appends one event on a connection of the test's own inside an open transaction (it takes a position now). */
async function appendInOpenTransaction(client: PoolClient, streamId: string, n: number) {
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO eventlog.events (stream_id, stream_category, stream_version, event_id, type, schema_version, data, metadata)
     VALUES ($1, 'stats', 1, $2, 'UsageRecorded', 1, $3, $4)`,
    [streamId, randomUUID(), JSON.stringify({ n }), JSON.stringify(event(n).metadata)],
  );
}

function isCheckpointOrder(seen: { transactionId: string; position: number }[]): boolean {
  return seen.every((s, i) => {
    if (i === 0) return true;
    const p = seen[i - 1];
    const [a, b] = [BigInt(p.transactionId), BigInt(s.transactionId)];
    return a < b || (a === b && p.position < s.position);
  });
}

// Paging and checkpoints every store shares are in the contract suite (eventstore-contract.spec.ts);
// these are the Postgres store's own: transactions still open, its cursor and its connection.
describe('reading the whole log', () => {
  let log: TestEventLog;
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    log = await openTestEventLog('es_read_all', { poolSize: 12 });
    ({ pool, store } = log);
  });

  afterAll(() => log?.close());

  it('does not pass an event whose lower position is still in an open transaction, and sees it once after commit', async () => {
    const seen: RecordedEvent[] = [];
    const subscription = new LogSubscription(
      store,
      async (events) => {
        seen.push(...events);
      },
      { batchSize: 2, pollMs: 10 },
    );
    const slow = await pool.connect();
    try {
      await store.append('stats-before', 'no-stream', [event(0)]);
      await appendInOpenTransaction(slow, 'stats-slow', 1);
      await store.append('stats-after', 'no-stream', [event(2), event(3), event(4)]);
      await eventually(() => seen.length === 1);
      // Later transactions have committed, but the reader must wait for the one holding position 2.
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.map((e) => (e.data as { n: number }).n)).toEqual([0]);
      await slow.query('COMMIT');
      await eventually(() => seen.length === 5);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      slow.release();
      await subscription.stop();
    }
    expect(seen.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
    expect(seen.map((e) => e.position)).toEqual(
      [...seen.map((e) => e.position)].sort((a, b) => a - b),
    );
  });

  it('gives a tailing reader every event exactly once, in checkpoint order, while transactions commit out of position order', async () => {
    const start = (await store.readAll(null, 1_000_000)).checkpoint;
    const seen: { eventId: string; transactionId: string; position: number }[] = [];
    const subscription = new LogSubscription(
      store,
      async (events, checkpoint) => {
        // Checkpoint of each event: the page's last one is given; earlier ones share or precede it.
        for (const e of events)
          seen.push({ eventId: e.eventId, transactionId: '', position: e.position });
        seen[seen.length - 1].transactionId = checkpoint.transactionId;
      },
      { after: start, batchSize: 7, pollMs: 5 },
    );
    const written: string[] = [];
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; i < 15; i++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const id = randomUUID();
          await client.query(
            `INSERT INTO eventlog.events (stream_id, stream_category, stream_version, event_id, type, schema_version, data, metadata)
             VALUES ($1, 'stats', $2, $3, 'UsageRecorded', 1, '{}', '{}')`,
            [`stats-w${w}`, i + 1, id],
          );
          // Hold some transactions open so that later positions commit first.
          await client.query('SELECT pg_sleep($1)', [((w * 7 + i * 13) % 5) * 0.01]);
          await client.query('COMMIT');
          written.push(id);
        } finally {
          client.release();
        }
      }
    });
    await Promise.all(writers);
    await eventually(() => seen.length >= written.length, 20_000);
    await new Promise((r) => setTimeout(r, 100));
    await subscription.stop();
    expect(seen).toHaveLength(written.length);
    expect(new Set(seen.map((s) => s.eventId))).toEqual(new Set(written));
    const pageEnds = seen.filter((s) => s.transactionId !== '');
    expect(isCheckpointOrder(pageEnds)).toBe(true);
  });

  it('ends a cursor read before a transaction still open, and readAll gives that event once it commits', async () => {
    const from = (await store.readAll(null, 1_000_000)).checkpoint;
    await store.append('stats-cursor-before', 'no-stream', [event(0)]);
    await eventually(async () => (await store.readAll(from, 1_000_000)).events.length >= 1, 20_000);
    const slow = await pool.connect();
    try {
      await appendInOpenTransaction(slow, 'stats-cursor-slow', 1);
      await store.append('stats-cursor-after', 'no-stream', [event(2)]);
      const seen: RecordedEvent[] = [];
      let checkpoint: LogCheckpoint = from;
      for await (const page of store.readAllPages(from, 10)) {
        seen.push(...page.events);
        checkpoint = page.checkpoint;
      }
      expect(seen.map((e) => e.streamId)).toEqual(['stats-cursor-before']);
      await slow.query('COMMIT');
      const later = await eventually(async () => {
        const page = await store.readAll(checkpoint, 1_000_000);
        return page.events.length >= 2 ? page : undefined;
      }, 20_000);
      expect(later!.events.map((e) => e.streamId)).toEqual([
        'stats-cursor-slow',
        'stats-cursor-after',
      ]);
    } finally {
      slow.release();
    }
  });

  it('gives the cursor connection back when the reader stops early', async () => {
    const single = new Pool({ connectionString: log.db.url, max: 1 });
    try {
      const smallStore = new PostgresEventStore(single, { validate: acceptAnyObject });
      let pages = 0;
      for await (const page of smallStore.readAllPages(null, 2)) {
        pages += page.events.length > 0 ? 1 : 0;
        break;
      }
      expect(pages).toBe(1);
      // With the connection still held, this query would wait forever.
      expect((await single.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await single.end();
    }
  });

  it('gives each event its recorded time as the ISO string of the stored timestamp', async () => {
    await store.append('stats-recorded', 'no-stream', [event(0), event(1)]);
    const { events } = await store.readAll(null, 1_000_000);
    const stored = await pool.query<{ position: string; recorded_at: Date }>(
      'SELECT position, recorded_at FROM eventlog.events',
    );
    const times = new Map(
      stored.rows.map((r) => [Number(r.position), r.recorded_at.toISOString()]),
    );
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.recordedAt).toBe(times.get(e.position));
    const { events: streamEvents } = await store.readStream('stats-recorded');
    expect(streamEvents).toHaveLength(2);
    for (const e of streamEvents) expect(e.recordedAt).toBe(times.get(e.position));
  });
});
