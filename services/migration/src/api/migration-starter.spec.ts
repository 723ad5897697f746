import { ErrorCodes, FederaError, streamIds, type MigrationTargetAnswer } from '@federa/contracts';
import { foldEvents, type EventStore } from '@federa/eventstore';
import { InMemoryEventStore } from '@federa/eventstore/in-memory';
import { instanceDecider, type InstanceEvent } from '@federa/instance-lifecycle';
import { migrationDecider } from '../domain/migration-saga';
import { ClusterReader } from '../infrastructure/cluster-reader';
import { healthyOnHostA, ref } from '../testing/healthy-instance.fixture';
import { MigrationStarter } from './migration-starter';

const answer: MigrationTargetAnswer = {
  ...ref,
  layer: 'process',
  from: 'host-a',
  to: 'host-b',
  stateful: true,
  liveCapable: false,
};

/** Placement that answers once `callers` asked: every start has read the instance by then. */
function placementAnsweringTogether(callers: number) {
  let waiting = 0;
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    sendCommand: async <T>(): Promise<T> => {
      waiting += 1;
      if (waiting >= callers) open();
      await gate;
      return answer as T;
    },
  };
}

/** A store whose migration streams cannot be written (the instance's can). */
class SagaStreamsRefused extends InMemoryEventStore {
  constructor(private readonly inner: InMemoryEventStore) {
    super();
  }
  override readStream(...args: Parameters<EventStore['readStream']>) {
    return this.inner.readStream(...args);
  }
  override append(...args: Parameters<EventStore['append']>) {
    if (args[0].startsWith('migration-')) throw new Error('database went away');
    return this.inner.append(...args);
  }
}

class Leases {
  readonly held = new Set<string>();
  async claim(migration: string): Promise<boolean> {
    this.held.add(migration);
    return true;
  }
  async release(migration: string): Promise<void> {
    this.held.delete(migration);
  }
}

async function lifeOf(store: EventStore) {
  const { events } = await store.readStream(streamIds.instance(ref.instance));
  return foldEvents(
    instanceDecider,
    events.map((e) => ({ type: e.type, data: e.data }) as InstanceEvent),
  );
}

async function sagaOf(store: EventStore, migration: string) {
  const { events } = await store.readStream(streamIds.migration(migration));
  return foldEvents(
    migrationDecider,
    events.map((e) => ({ type: e.type, data: e.data }) as never),
  );
}

describe('starting a migration', () => {
  it('marks the instance moving under the migration before answering', async () => {
    const store = new InMemoryEventStore();
    await healthyOnHostA(store);
    const runs: string[] = [];
    const starter = new MigrationStarter(
      store,
      placementAnsweringTogether(1),
      new ClusterReader(store),
      { run: async (m) => (runs.push(m), sagaOf(store, m)) },
      () => undefined,
      new Leases(),
    );
    const view = await starter.start({ instance: ref.instance });
    expect(await lifeOf(store)).toMatchObject({
      status: 'migrating',
      migration: { id: view.id, to: 'host-b' },
    });
    expect(runs).toEqual([view.id]);
  });

  it('moves an instance once when two starts race: the other is refused and its saga ends failed, touching nothing', async () => {
    const store = new InMemoryEventStore();
    await healthyOnHostA(store);
    const runs: string[] = [];
    const leases = new Leases();
    const starter = new MigrationStarter(
      store,
      placementAnsweringTogether(2),
      new ClusterReader(store),
      { run: async (m) => (runs.push(m), sagaOf(store, m)) },
      () => undefined,
      leases,
    );
    const outcomes = await Promise.allSettled([
      starter.start({ instance: ref.instance }),
      starter.start({ instance: ref.instance }),
    ]);
    const started = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const error = (refused[0] as PromiseRejectedResult).reason as FederaError;
    expect(error).toBeInstanceOf(FederaError);
    expect(error.code).toBe(ErrorCodes.conflict);
    const winner = (started[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    expect(runs).toEqual([winner]);
    expect((await lifeOf(store)).migration?.id).toBe(winner);
    const loser = (await store.readAll(null, 100)).events
      .filter((e) => e.type === 'MigrationStarted')
      .map((e) => (e.data as { migration: string }).migration)
      .find((m) => m !== winner)!;
    expect(await sagaOf(store, loser)).toMatchObject({
      status: 'failed',
      phases: [expect.anything()],
    });
    expect(leases.held.has(loser)).toBe(false);
  });

  it('gives its owner lease back when the saga could not be recorded', async () => {
    const store = new InMemoryEventStore();
    await healthyOnHostA(store);
    const failing = new SagaStreamsRefused(store);
    const leases = new Leases();
    const starter = new MigrationStarter(
      failing,
      placementAnsweringTogether(1),
      new ClusterReader(store),
      { run: async (m) => sagaOf(store, m) },
      () => undefined,
      leases,
    );
    await expect(starter.start({ instance: ref.instance })).rejects.toThrow('database went away');
    expect(leases.held.size).toBe(0);
    expect((await lifeOf(store)).status).toBe('healthy');
  });
});
