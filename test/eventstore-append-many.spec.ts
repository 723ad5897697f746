import { randomUUID } from 'node:crypto';
import { ValidationFailed, type NewEvent } from '@federa/contracts';
import { EventIdReused, PostgresEventStore, StreamsVersionConflict } from '@federa/eventstore';
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

  it('appends to several streams at once and answers each stream its version and last position', async () => {
    const host = `allocation-${randomUUID()}`;
    const a = `instance-${randomUUID()}`;
    const b = `instance-${randomUUID()}`;
    await store.append(host, 'no-stream', [event('HostAllocationChanged')]);
    const result = await store.appendMany([
      {
        streamId: host,
        expected: 1,
        events: [event('HostAllocationChanged'), event('HostAllocationChanged')],
      },
      { streamId: a, expected: 'no-stream', events: [event('InstancePlaced')] },
      { streamId: b, expected: 'any', events: [event('PlacementFailed')] },
    ]);
    const hostEvents = (await store.readStream(host)).events;
    const [placed] = (await store.readStream(a)).events;
    const [failed] = (await store.readStream(b)).events;
    expect(hostEvents.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect(result.streams).toEqual([
      { nextExpectedVersion: 3, lastPosition: hostEvents[2].position },
      { nextExpectedVersion: 1, lastPosition: placed.position },
      { nextExpectedVersion: 1, lastPosition: failed.position },
    ]);
    // Positions follow stream id order across streams ('allocation-…' before 'instance-…').
    expect(hostEvents[2].position).toBeLessThan(Math.min(placed.position, failed.position));
    expect(result.lastPosition).toBe(Math.max(placed.position, failed.position));
  });

  it('appends nothing to any stream when one stream is not at its expected version, and names it', async () => {
    const good = `allocation-${randomUUID()}`;
    const stale = `allocation-${randomUUID()}`;
    const instance = `instance-${randomUUID()}`;
    await store.append(good, 'no-stream', [event('HostAllocationChanged')]);
    await store.append(stale, 'no-stream', [
      event('HostAllocationChanged'),
      event('HostAllocationChanged'),
    ]);
    const error = (await store
      .appendMany([
        { streamId: good, expected: 1, events: [event('HostAllocationChanged')] },
        { streamId: stale, expected: 1, events: [event('HostAllocationChanged')] },
        { streamId: instance, expected: 'any', events: [event('InstancePlaced')] },
      ])
      .catch((e) => e)) as StreamsVersionConflict;
    expect(error).toBeInstanceOf(StreamsVersionConflict);
    expect(error.conflicts).toEqual([{ streamId: stale, expected: 1, actual: 2 }]);
    expect(error.streamIds).toEqual([stale]);
    expect(await countEvents(good)).toBe(1);
    expect(await countEvents(stale)).toBe(2);
    expect(await countEvents(instance)).toBe(0);
  });

  it('treats the same batches sent again as already done and returns the original result', async () => {
    const host = `allocation-${randomUUID()}`;
    const instance = `instance-${randomUUID()}`;
    const appends = [
      { streamId: host, expected: 'no-stream' as const, events: [event('HostAllocationChanged')] },
      { streamId: instance, expected: 'any' as const, events: [event('InstancePlaced')] },
    ];
    const first = await store.appendMany(appends);
    const again = await store.appendMany(appends);
    const concurrently = await Promise.all([1, 2, 3].map(() => store.appendMany(appends)));
    expect(again).toEqual(first);
    expect(concurrently).toEqual([first, first, first]);
    expect(await countEvents(host, instance)).toBe(2);
  });

  it('refuses event ids already recorded in another stream and appends nothing', async () => {
    const reused = event('InstancePlaced');
    await store.append(`instance-${randomUUID()}`, 'no-stream', [reused]);
    const host = `allocation-${randomUUID()}`;
    const attempt = store.appendMany([
      { streamId: host, expected: 'no-stream', events: [event('HostAllocationChanged')] },
      { streamId: `instance-${randomUUID()}`, expected: 'no-stream', events: [reused] },
    ]);
    await expect(attempt).rejects.toBeInstanceOf(EventIdReused);
    expect(await countEvents(host)).toBe(0);
  });

  it('refuses malformed appends with every error located, and appends nothing', async () => {
    const host = `host-${randomUUID()}`;
    const shared = event('HostCordoned');
    const error = (await store
      .appendMany([
        { streamId: host, expected: 'no-stream', events: [event('HostRegistered'), shared] },
        {
          streamId: `host-${randomUUID()}`,
          expected: -1,
          events: [event('HostRegistered', { host: 7 })],
        },
        { streamId: host, expected: 'any', events: [shared] },
        { streamId: 'nocategory', expected: 'any', events: [] },
      ])
      .catch((e) => e)) as ValidationFailed;
    expect(error).toBeInstanceOf(ValidationFailed);
    expect(error.errors).toEqual(
      expect.arrayContaining([
        { path: 'appends[1].expected', reason: expect.stringContaining('version') },
        { path: 'appends[1].events[0].data.host', reason: 'must be a string' },
        { path: 'appends[2].streamId', reason: 'appears twice' },
        { path: 'appends[2].events[0].eventId', reason: 'appears twice in the batch' },
        { path: 'appends[3].streamId', reason: expect.any(String) },
        { path: 'appends[3].events', reason: 'must be a non-empty array' },
      ]),
    );
    await expect(store.appendMany([])).rejects.toBeInstanceOf(ValidationFailed);
    expect(await countEvents(host)).toBe(0);
  });

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
