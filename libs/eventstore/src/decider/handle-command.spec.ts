import { ValidationFailed } from '@federa/contracts';
import { StreamVersionConflict } from '../errors/stream-version-conflict';
import type { EventStore } from '../event-store';
import { InMemoryEventStore } from '../in-memory/in-memory-event-store';
import { acceptAnyObject } from '../validation/event-validator';
import type { Decider } from './decider';
import { handleCommand } from './handle-command';

type Added = { type: 'Added'; data: { by: number } };
/** Brings a total up to at least a floor: what it adds depends on the state it read. */
const topUp: Decider<{ total: number }, { floor: number }, Added> = {
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => ({ total: state.total + event.data.by }),
  decide: (command, state) =>
    state.total >= command.floor
      ? []
      : [{ type: 'Added', data: { by: command.floor - state.total } }],
};
const streamId = 'counter-1';
const metadata = { correlationId: 'c-1', actor: 'tester' };
const rival = {
  type: 'Added',
  data: { by: 3 },
  metadata: { ...metadata, actor: 'rival', occurredAt: '2025-01-01T00:00:00.000Z' },
};

/** The store, with another writer appending to the stream right after each of the first `rivalWrites` reads. */
function withRival(store: EventStore, rivalWrites: number): EventStore & { reads: number } {
  const racing = Object.create(store) as EventStore & { reads: number };
  racing.reads = 0;
  racing.readStream = async (id, options) => {
    const read = await store.readStream(id, options);
    if (racing.reads++ < rivalWrites) await store.append(id, 'any', [rival]);
    return read;
  };
  return racing;
}

async function byOf(store: EventStore): Promise<{ actor: unknown; by: number }[]> {
  const { events } = await store.readStream(streamId);
  return events.map((e) => ({ actor: e.metadata.actor, by: (e.data as { by: number }).by }));
}

describe('handling a command', () => {
  let store: InMemoryEventStore;
  beforeEach(() => {
    store = new InMemoryEventStore({ validate: acceptAnyObject });
  });

  it('appends what the decider decides at the version it read, and answers the new state', async () => {
    await store.append(streamId, 'no-stream', [rival]);
    const result = await handleCommand(store, streamId, topUp, { floor: 10 }, { metadata });
    expect(result).toEqual({
      newState: { total: 10 },
      newEvents: [{ type: 'Added', data: { by: 7 } }],
      appended: { nextExpectedVersion: 2, lastPosition: 2 },
    });
    const [, appended] = (await store.readStream(streamId)).events;
    expect(appended.metadata).toEqual({ ...metadata, occurredAt: expect.any(String) });
  });

  it('appends nothing when the decider decides nothing', async () => {
    await store.append(streamId, 'no-stream', [rival]);
    const result = await handleCommand(store, streamId, topUp, { floor: 2 }, { metadata });
    expect(result).toEqual({ newState: { total: 3 }, newEvents: [], appended: undefined });
    expect(await byOf(store)).toEqual([{ actor: 'rival', by: 3 }]);
  });

  it('re-reads and re-decides when another writer appended after its read', async () => {
    const racing = withRival(store, 1);
    const result = await handleCommand(racing, streamId, topUp, { floor: 10 }, { metadata });
    expect(racing.reads).toBe(2);
    // Decided again on the rival's total: 7 more, not the 10 the first read called for.
    expect(result.newEvents).toEqual([{ type: 'Added', data: { by: 7 } }]);
    expect(result.newState).toEqual({ total: 10 });
    expect(await byOf(store)).toEqual([
      { actor: 'rival', by: 3 },
      { actor: 'tester', by: 7 },
    ]);
  });

  it('gives up after maxAttempts, rethrowing the conflict and having appended nothing', async () => {
    const racing = withRival(store, Infinity);
    const attempt = handleCommand(
      racing,
      streamId,
      topUp,
      { floor: 100 },
      {
        metadata,
        maxAttempts: 3,
      },
    );
    await expect(attempt).rejects.toBeInstanceOf(StreamVersionConflict);
    await expect(attempt).rejects.toMatchObject({ streamId, expected: 2, actual: 3 });
    expect(racing.reads).toBe(3);
    expect((await byOf(store)).map((e) => e.actor)).toEqual(['rival', 'rival', 'rival']);
  });

  it('rethrows at once what is not a version conflict, without reading again', async () => {
    // The contracts registry knows no 'Added': the store refuses the event.
    const racing = withRival(new InMemoryEventStore(), 0);
    const attempt = handleCommand(racing, streamId, topUp, { floor: 1 }, { metadata });
    await expect(attempt).rejects.toBeInstanceOf(ValidationFailed);
    expect(racing.reads).toBe(1);
  });
});
