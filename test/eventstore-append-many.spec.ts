import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@federa/contracts';
import { PostgresEventStore, StreamsVersionConflict } from '@federa/eventstore';
import type { Pool } from 'pg';
import {
  hostRegisteredNeedsHost,
  openTestEventLog,
  testEvent,
  type TestEventLog,
} from './event-log-fixture';

/** With its own event id, so that sending it again is a retry of the same event. */
function event(type: string, data: unknown = { host: 'mph-1' }): NewEvent {
  return { ...testEvent(type, data), eventId: randomUUID() };
}

// What every store does on appendMany is in the contract suite (eventstore-contract.spec.ts); these
// are writers racing on many connections.
describe('the event store multi-stream append', () => {
  let log: TestEventLog;
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    log = await openTestEventLog('es_append_many', {
      poolSize: 12,
      validate: hostRegisteredNeedsHost,
    });
    ({ pool, store } = log);
  });

  afterAll(() => log?.close());

  async function countEvents(...streamIds: string[]): Promise<number> {
    const result = await pool.query(
      'SELECT count(*)::int AS n FROM eventlog.events WHERE stream_id = ANY($1::text[])',
      [streamIds],
    );
    return result.rows[0].n;
  }

  it('lets exactly one of two writers racing on the same host stream win, and the loser appends nothing', async () => {
    for (let round = 0; round < 10; round++) {
      const host = `allocation-${randomUUID()}`;
      await store.append(host, 'no-stream', [event('HostAllocationChanged')]);
      const instances = [`instance-${randomUUID()}`, `instance-${randomUUID()}`];
      const outcomes = await Promise.allSettled(
        instances.map((instance) =>
          store.appendMany([
            { streamId: host, expected: 1, events: [event('HostAllocationChanged')] },
            { streamId: instance, expected: 'no-stream', events: [event('InstancePlaced')] },
          ]),
        ),
      );
      const won = outcomes.map((o) => o.status === 'fulfilled');
      expect(won.filter(Boolean)).toHaveLength(1);
      const loser = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(loser.reason).toBeInstanceOf(StreamsVersionConflict);
      expect(loser.reason.conflicts).toEqual([{ streamId: host, expected: 1, actual: 2 }]);
      expect(await countEvents(host)).toBe(2);
      expect(await countEvents(instances[won.indexOf(true)])).toBe(1);
      expect(await countEvents(instances[won.indexOf(false)])).toBe(0);
    }
  });

  it("appends to an 'any' stream from many concurrent writers without losing one or leaving a gap", async () => {
    const shared = `service-${randomUUID()}`;
    await Promise.all(
      Array.from({ length: 12 }, (_, writer) =>
        store.appendMany([
          { streamId: shared, expected: 'any', events: [event('ServiceUpdated', { writer })] },
          {
            streamId: `instance-${randomUUID()}`,
            expected: 'no-stream',
            events: [event('InstancePlaced')],
          },
        ]),
      ),
    );
    const { events } = await store.readStream(shared);
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('lets writers naming the same streams in opposite orders all append, without a deadlock', async () => {
    const hosts = [`allocation-${randomUUID()}`, `allocation-${randomUUID()}`];
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 8 }, (_, writer) =>
          store.appendMany(
            (writer % 2 === 0 ? hosts : [...hosts].reverse()).map((streamId) => ({
              streamId,
              expected: 'any' as const,
              events: [event('HostAllocationChanged', { writer })],
            })),
          ),
        ),
      );
    }
    for (const host of hosts) {
      const { events } = await store.readStream(host);
      expect(events.map((e) => e.streamVersion)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    }
  });
});
