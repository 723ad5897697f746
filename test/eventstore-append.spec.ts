import { randomUUID } from 'node:crypto';
import { migrateEventStore, PostgresEventStore, StreamVersionConflict } from '@federa/eventstore';
import { freshDatabase } from '@federa/testing';
import { Pool } from 'pg';
import {
  hostRegisteredNeedsHost,
  openTestEventLog,
  testEvent,
  type TestEventLog,
} from './event-log-fixture';

const hostEvent = (type: string, data: unknown = { host: 'mph-1' }) => testEvent(type, data);

// What every store does on append is in the contract suite (eventstore-contract.spec.ts); these are
// the Postgres store's own: migrations, writers on many connections, the database's append-only rule.
describe('the event store append', () => {
  let log: TestEventLog;
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    log = await openTestEventLog('es_append', { poolSize: 24, validate: hostRegisteredNeedsHost });
    ({ pool, store } = log);
  });

  afterAll(() => log?.close());

  async function countEvents(streamId?: string): Promise<number> {
    const result = await pool.query(
      'SELECT count(*)::int AS n FROM eventlog.events WHERE $1::text IS NULL OR stream_id = $1',
      [streamId ?? null],
    );
    return result.rows[0].n;
  }

  it('migrates a fresh database from five callers at once, and the log takes appends', async () => {
    const fresh = await freshDatabase('es_append_migrate');
    const migrating = new Pool({ connectionString: fresh.url, max: 5 });
    try {
      await Promise.all([1, 2, 3, 4, 5].map(() => migrateEventStore(migrating)));
      const freshStore = new PostgresEventStore(migrating, { validate: hostRegisteredNeedsHost });
      const appended = await freshStore.append('host-1', 'no-stream', [
        hostEvent('HostRegistered'),
      ]);
      expect(appended).toEqual({ nextExpectedVersion: 1, lastPosition: 1 });
    } finally {
      await migrating.end();
      await fresh.drop();
    }
  });

  it('lets exactly one of 20 concurrent writers win each version and leaves no gap', async () => {
    const streamId = `host-${randomUUID()}`;
    const rounds = 5;
    for (let version = 0; version < rounds; version++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, writer) =>
          store.append(streamId, version === 0 ? 'no-stream' : version, [
            hostEvent('HostCapacityChanged', { writer }),
          ]),
        ),
      );
      const winners = outcomes.filter((o) => o.status === 'fulfilled');
      const losers = outcomes.filter((o) => o.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(19);
      for (const loser of losers) {
        const error = (loser as PromiseRejectedResult).reason;
        expect(error).toBeInstanceOf(StreamVersionConflict);
        expect(error).toMatchObject({ streamId, actual: version + 1 });
      }
    }
    const { events, version } = await store.readStream(streamId);
    expect(version).toBe(rounds);
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
  });

  it("appends with 'any' from concurrent writers without losing one or leaving a gap", async () => {
    const streamId = `host-${randomUUID()}`;
    await Promise.all(
      Array.from({ length: 20 }, (_, writer) =>
        store.append(streamId, 'any', [hostEvent('HostCapacityChanged', { writer })]),
      ),
    );
    const { events } = await store.readStream(streamId);
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(events.map((e) => (e.data as { writer: number }).writer)).size).toBe(20);
  });

  it('refuses to update or delete a recorded event, even for a superuser', async () => {
    const streamId = `host-${randomUUID()}`;
    await store.append(streamId, 'no-stream', [hostEvent('HostRegistered')]);
    await expect(
      pool.query(`UPDATE eventlog.events SET type = 'HostDown' WHERE stream_id = $1`, [streamId]),
    ).rejects.toThrow(/append-only/);
    await expect(
      pool.query('DELETE FROM eventlog.events WHERE stream_id = $1', [streamId]),
    ).rejects.toThrow(/append-only/);
    await expect(pool.query('TRUNCATE eventlog.events')).rejects.toThrow(/append-only/);
    expect(await countEvents(streamId)).toBe(1);
  });
});
