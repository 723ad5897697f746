import { randomUUID } from 'node:crypto';
import { ValidationFailed, type NewEvent } from '@federa/contracts';
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

  it('appends a batch atomically with consecutive versions and increasing positions', async () => {
    const streamId = `host-${randomUUID()}`;
    const result = await store.append(streamId, 'no-stream', [
      hostEvent('HostRegistered'),
      hostEvent('HostCordoned'),
      hostEvent('HostUncordoned'),
    ]);
    const { events } = await store.readStream(streamId);
    expect(result.nextExpectedVersion).toBe(3);
    expect(events.map((e) => e.type)).toEqual(['HostRegistered', 'HostCordoned', 'HostUncordoned']);
    expect(events[2].position).toBe(result.lastPosition);
    expect(events[0].position).toBeLessThan(events[1].position);
    expect(events[1].position).toBeLessThan(events[2].position);
  });

  it('treats a re-sent batch with the same event ids as already done and returns the original result', async () => {
    const streamId = `host-${randomUUID()}`;
    const batch = [hostEvent('HostRegistered'), hostEvent('HostCordoned')].map((e) => ({
      ...e,
      eventId: randomUUID(),
    }));
    const first = await store.append(streamId, 'no-stream', batch);
    await store.append(streamId, 2, [hostEvent('HostUncordoned')]);
    const again = await store.append(streamId, 'no-stream', batch);
    const concurrently = await Promise.all(
      [1, 2, 3].map(() => store.append(streamId, 'any', batch)),
    );
    expect(again).toEqual(first);
    expect(concurrently).toEqual([first, first, first]);
    expect(await countEvents(streamId)).toBe(3);
  });

  it('refuses a malformed event with its field errors and appends nothing of the batch', async () => {
    const streamId = `host-${randomUUID()}`;
    const before = await countEvents();
    const attempt = store.append(streamId, 'no-stream', [
      hostEvent('HostRegistered'),
      hostEvent('HostRegistered', { host: 42 }),
      {
        ...hostEvent('HostCordoned'),
        metadata: { actor: '', occurredAt: 'yesterday' },
      } as NewEvent,
    ]);
    await expect(attempt).rejects.toBeInstanceOf(ValidationFailed);
    const error = (await attempt.catch((e) => e)) as ValidationFailed;
    expect(error.errors).toEqual(
      expect.arrayContaining([
        { path: 'events[1].data.host', reason: 'must be a string' },
        { path: 'events[2].metadata.correlationId', reason: 'must be a non-empty string' },
        { path: 'events[2].metadata.actor', reason: 'must be a non-empty string' },
        { path: 'events[2].metadata.occurredAt', reason: 'must be an ISO-8601 time' },
      ]),
    );
    expect(await countEvents()).toBe(before);
  });

  it('checks events against the contracts registry by default', async () => {
    const registryStore = new PostgresEventStore(pool);
    const streamId = `host-${randomUUID()}`;
    const refused = (await registryStore
      .append(streamId, 'no-stream', [hostEvent('HostCordoned', { host: 'mph-1', reason: 7 })])
      .catch((e) => e)) as ValidationFailed;
    expect(refused).toBeInstanceOf(ValidationFailed);
    expect(refused.errors).toEqual([{ path: 'events[0].data.reason', reason: expect.any(String) }]);
    const unknown = (await registryStore
      .append(streamId, 'no-stream', [hostEvent('HostExploded', { host: 'mph-1' })])
      .catch((e) => e)) as ValidationFailed;
    expect(unknown.errors).toEqual([
      { path: 'events[0].type', reason: expect.stringContaining('unknown') },
    ]);
    const accepted = await registryStore.append(streamId, 'no-stream', [
      hostEvent('HostCordoned', { host: 'mph-1', reason: 'maintenance' }),
    ]);
    expect(accepted.nextExpectedVersion).toBe(1);
    const [stored] = (await registryStore.readStream(streamId)).events;
    expect(stored).toMatchObject({
      type: 'HostCordoned',
      schemaVersion: 1,
      data: { host: 'mph-1' },
    });
  });

  it('refuses a stream id without a category and an event type that is not PascalCase', async () => {
    const attempt = store.append('nocategory', 'any', [hostEvent('host_registered')]);
    const error = (await attempt.catch((e) => e)) as ValidationFailed;
    expect(error).toBeInstanceOf(ValidationFailed);
    expect(error.errors.map((e) => e.path)).toEqual(['streamId', 'events[0].type']);
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

  it('reads an empty stream as version 0 and a stream from a given version', async () => {
    const streamId = `host-${randomUUID()}`;
    expect(await store.readStream(streamId)).toEqual({ events: [], version: 0 });
    await store.append(streamId, 'no-stream', [hostEvent('HostRegistered'), hostEvent('HostDown')]);
    const tail = await store.readStream(streamId, { fromVersion: 2 });
    expect(tail.events.map((e) => e.type)).toEqual(['HostDown']);
    expect((await store.readStream(streamId, { fromVersion: 3 })).version).toBe(2);
  });
});
