import { migrateEventStore, PostgresEventStore } from '@federa/eventstore';
import { freshDatabase, type FreshDatabase } from '@federa/testing';
import { Pool } from 'pg';
import { setupStatisticsSchema } from '../services/statistics/src/infrastructure/statistics-schema';
import { UsageRecorder } from '../services/statistics/src/usage/infrastructure/usage-recorder';

jest.setTimeout(60_000);

const hourMs = 3_600_000;
const now = Date.now();
const hour = now - (now % hourMs) - 3 * hourMs;

// UsageRecorded for closed hours: an instance the catalogue learns of late is still recorded, and
// a stream whose bookkeeping was lost gets only the hours it lacks.
describe('recording closed hours of usage', () => {
  let database: FreshDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  let recorder: UsageRecorder;

  const minute = (instance: string, at: number, host = 'mph-1') =>
    pool.query(
      `INSERT INTO statistics.usage_minutes VALUES ($1, $2, $3, 60, 1, 0.01, 10, 20, 0, 0, 60)`,
      [instance, new Date(at), host],
    );
  const touch = (at: number) =>
    pool.query(
      `INSERT INTO statistics.usage_unrecorded_hours VALUES ($1, clock_timestamp())
       ON CONFLICT (hour) DO UPDATE SET touched_at = clock_timestamp()`,
      [new Date(at - (at % hourMs))],
    );
  const place = (instance: string) =>
    pool.query(
      `INSERT INTO statistics.instances (id, opened_by, service, app, host, layer, placed_at)
       VALUES ($1, (SELECT coalesce(max(opened_by), 0) + 1 FROM statistics.instances), 'shop', 'web',
               'mph-1', 'sim', now() - interval '1 day')`,
      [instance],
    );

  beforeAll(async () => {
    database = await freshDatabase('stats_usage_recorder');
    pool = new Pool({ connectionString: database.url, max: 4 });
    await setupStatisticsSchema(pool);
    await migrateEventStore(pool);
    store = new PostgresEventStore(pool);
    recorder = new UsageRecorder(pool, store);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('records an instance whose placement reached the catalogue after its hour was first looked at', async () => {
    await place('shop-web-1');
    await minute('shop-web-1', hour + 60_000);
    await minute('shop-web-2', hour + 60_000);
    await touch(hour);
    expect(await recorder.recordClosedHours(now)).toBe(1);
    await place('shop-web-2');
    expect(await recorder.recordClosedHours(now)).toBe(1);
    expect((await store.readStream('statistics-shop-web-2')).events).toHaveLength(1);
    expect((await store.readStream('statistics-shop-web-1')).events).toHaveLength(1);
    expect(await recorder.recordClosedHours(now)).toBe(0);
  });

  it('appends only the hours a stream lacks when its bookkeeping is behind the stream', async () => {
    await minute('shop-web-1', hour + hourMs + 60_000);
    await touch(hour + hourMs);
    // The bookkeeping of the first hour lost (a crash after the append): the stream is ahead.
    await pool.query(`DELETE FROM statistics.usage_streams WHERE instance = 'shop-web-1'`);
    expect(await recorder.recordClosedHours(now)).toBe(1);
    const { events } = await store.readStream('statistics-shop-web-1');
    expect(events.map((e) => (e.data as { from: string }).from)).toEqual([
      new Date(hour).toISOString(),
      new Date(hour + hourMs).toISOString(),
    ]);
    // A late minute of the first hour on another host, bookkeeping lost again: the stream records
    // a later hour already, so it is not appended after it.
    await minute('shop-web-1', hour + 2 * 60_000, 'mph-2');
    await touch(hour);
    await pool.query(`DELETE FROM statistics.usage_streams WHERE instance = 'shop-web-1'`);
    expect(await recorder.recordClosedHours(now)).toBe(0);
    expect((await store.readStream('statistics-shop-web-1')).events).toHaveLength(2);
  });
});
