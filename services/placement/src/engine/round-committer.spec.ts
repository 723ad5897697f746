import { randomUUID } from 'node:crypto';
import {
  newEvent,
  streamIds,
  type InstanceRequestedData,
  type RecordedEvent,
} from '@federa/contracts';
import {
  InMemoryEventStore,
  type ExpectedVersion,
  type PreparedAppendMany,
  type StreamAppend,
} from '@federa/eventstore/in-memory';
import { decideInstance } from '@federa/instance-lifecycle';
import { PlacementStack } from '../domain/placement-stack';
import { resourceKinds } from '../domain/resources';
import { seededRandom } from '../testing/cluster-fixture';
import { PlacementEngine } from './placement-engine';
import { hostRegistered, testMetadata } from '../testing/log-fixture';

const MiB = 1024 ** 2;

/** Another writer, run once between a round's plan and its commit. */
type Interloper = (store: InMemoryEventStore) => Promise<void>;

/** The log in memory; `interlope` runs once, just before the next appendMany reaches the log. */
class RacingStore extends InMemoryEventStore {
  interloper: Interloper | undefined;

  override async appendMany(appends: StreamAppend[]) {
    const interloper = this.interloper;
    this.interloper = undefined;
    if (interloper) await interloper(this);
    return super.appendMany(appends);
  }
}

/** The racing log, with statements prepared ahead as the Postgres store offers them. */
class PreparingStore extends RacingStore {
  sentPrepared = 0;

  prepareAppendMany(appends: Omit<StreamAppend, 'expected'>[]): PreparedAppendMany {
    return { streamIds: appends.map((a) => a.streamId), appends } as PreparedAppendMany;
  }

  appendManyPrepared(prepared: PreparedAppendMany, expected: readonly ExpectedVersion[]) {
    this.sentPrepared++;
    const { appends } = prepared as unknown as { appends: Omit<StreamAppend, 'expected'>[] };
    return this.appendMany(appends.map((a, i) => ({ ...a, expected: expected[i] })));
  }
}

function requested(instance: string): InstanceRequestedData {
  return {
    service: 'shop',
    app: 'worker',
    instance,
    layer: 'process',
    resources: { cpuMillis: 500, memoryBytes: 128 * MiB, storageBytes: 0, bandwidthBps: 0 },
    revision: 1,
    reason: 'deploy',
  };
}

async function wholeLog(store: InMemoryEventStore): Promise<RecordedEvent[]> {
  return (await store.readAll(null, 1_000_000)).events;
}

/** Two hosts with room for four workers each, and the instances requested. */
async function clusterWith(
  instances: string[],
  store: RacingStore = new RacingStore(),
): Promise<RacingStore> {
  for (const host of ['h1', 'h2']) {
    const capacity = {
      cpuMillis: 2000,
      memoryBytes: 16 * 1024 * MiB,
      storageBytes: 0,
      bandwidthBps: 1e9,
    };
    await store.append(streamIds.host(host), 'no-stream', [
      newEvent('HostRegistered', hostRegistered(host, { capacity }), testMetadata()),
    ]);
  }
  for (const instance of instances) {
    await store.append(streamIds.instance(instance), 'no-stream', [
      newEvent('InstanceRequested', requested(instance), testMetadata()),
    ]);
  }
  return store;
}

async function engineOn(store: InMemoryEventStore, roundSize: number): Promise<PlacementEngine> {
  const engine = new PlacementEngine(store, new PlacementStack({ random: seededRandom(3) }), {
    roundSize,
  });
  await engine.fold(await wholeLog(store));
  return engine;
}

function request(instance: string) {
  return {
    instance,
    service: 'shop',
    app: 'worker',
    layer: 'process',
    resources: { cpu: 500, memory: 128 * MiB, storage: 0, bandwidth: 0 },
    antiAffinity: [],
    spread: [],
  };
}

/** The log as a fresh replica folds it: no host over its capacity, and each instance's answers. */
async function audit(store: InMemoryEventStore) {
  const log = await wholeLog(store);
  const auditor = new PlacementEngine(store);
  await auditor.fold(log);
  const overCommitted = auditor.state.hosts.filter((h) =>
    resourceKinds.some((k) => h.allocated[k] > h.capacity[k]),
  );
  const answersOf = (instance: string) =>
    log
      .filter((e) => e.streamId === streamIds.instance(instance))
      .filter((e) => e.type === 'InstancePlaced' || e.type === 'PlacementFailed')
      .map((e) => e.type);
  return { log, auditor, overCommitted, answersOf };
}

const workers = (n: number) => Array.from({ length: n }, (_, i) => `worker-${i}`);

describe('the round committer', () => {
  it('commits every round: each ledger at its version, each instance at the version placement folded', async () => {
    const store = await clusterWith(workers(6));
    const engine = await engineOn(store, 2);
    const answers = await engine.place(workers(6).map(request), { correlationId: randomUUID() });
    expect(answers.map((a) => a.outcome)).toEqual(Array(6).fill('placed'));
    const { overCommitted, answersOf, auditor } = await audit(store);
    expect(overCommitted).toEqual([]);
    for (const instance of workers(6)) {
      expect(answersOf(instance)).toEqual(['InstancePlaced']);
      expect(engine.lives.of(instance)).toMatchObject({ life: { status: 'placed' }, version: 2 });
    }
    expect(auditor.state.allocationCount).toBe(6);
  });

  it('re-decides the placements on a host whose ledger another replica wrote to between plan and commit', async () => {
    const store = await clusterWith(workers(6));
    const engine = await engineOn(store, 2);
    // Another replica takes three of h1's four places before the first round commits.
    store.interloper = async (log) => {
      const version = (await log.readStream(streamIds.allocation('h1'))).version;
      await log.append(streamIds.allocation('h1'), version === 0 ? 'no-stream' : version, [
        newEvent(
          'HostAllocationChanged',
          {
            host: 'h1',
            instance: 'elsewhere-1',
            service: 'other',
            app: 'big',
            change: 'reserved',
            resources: { cpuMillis: 1500, memoryBytes: 0, storageBytes: 0, bandwidthBps: 0 },
            allocated: { cpuMillis: 1500, memoryBytes: 0, storageBytes: 0, bandwidthBps: 0 },
          },
          testMetadata(),
        ),
      ]);
    };
    const answers = await engine.place(workers(6).map(request), { correlationId: randomUUID() });

    const { overCommitted, answersOf } = await audit(store);
    expect(overCommitted).toEqual([]);
    // Five places left for six workers: every decision committed once, none lost.
    expect(answers.filter((a) => a.outcome === 'placed')).toHaveLength(5);
    expect(answers.filter((a) => a.outcome === 'failed')).toHaveLength(1);
    for (const [i, instance] of workers(6).entries()) {
      const logged = answers[i].outcome === 'placed' ? 'InstancePlaced' : 'PlacementFailed';
      expect(answersOf(instance)).toEqual([logged]);
    }
  });

  it('sends rounds printed while the last one committed at the versions that commit left, and re-prints one a conflict changed', async () => {
    const store = new PreparingStore();
    await clusterWith(workers(6), store);
    const engine = await engineOn(store, 2);
    let appends = 0;
    // Another replica takes three of h1's places just before the second round reaches the log.
    const appendMany = store.appendMany.bind(store);
    store.appendMany = async (batch) => {
      if (++appends === 2) {
        const version = (await store.readStream(streamIds.allocation('h1'))).version;
        await store.append(streamIds.allocation('h1'), version === 0 ? 'no-stream' : version, [
          newEvent(
            'HostAllocationChanged',
            {
              host: 'h1',
              instance: 'elsewhere-1',
              service: 'other',
              app: 'big',
              change: 'reserved',
              resources: { cpuMillis: 1500, memoryBytes: 0, storageBytes: 0, bandwidthBps: 0 },
              allocated: { cpuMillis: 1500, memoryBytes: 0, storageBytes: 0, bandwidthBps: 0 },
            },
            testMetadata(),
          ),
        ]);
      }
      return appendMany(batch);
    };
    const answers = await engine.place(workers(6).map(request), { correlationId: randomUUID() });

    expect(store.sentPrepared).toBeGreaterThan(0);
    const { overCommitted, answersOf } = await audit(store);
    expect(overCommitted).toEqual([]);
    expect(answers.filter((a) => a.outcome === 'placed')).toHaveLength(5);
    for (const [i, instance] of workers(6).entries()) {
      const logged = answers[i].outcome === 'placed' ? 'InstancePlaced' : 'PlacementFailed';
      expect(answersOf(instance)).toEqual([logged]);
    }
  });

  it('drops the placement of an instance stopped between plan and commit, releasing its reservation', async () => {
    const store = await clusterWith(workers(4));
    const engine = await engineOn(store, 4);
    store.interloper = async (log) => {
      const stream = streamIds.instance('worker-2');
      const { life } = engine.lives.of('worker-2');
      const events = decideInstance({ type: 'request-stop', reason: 'scale-in' }, life);
      await log.append(
        stream,
        1,
        events.map((e) => newEvent(e.type, e.data, testMetadata())),
      );
    };
    const answers = await engine.place(workers(4).map(request), { correlationId: randomUUID() });

    expect(answers.map((a) => a.outcome)).toEqual(['placed', 'placed', 'dropped', 'placed']);
    expect(engine.state.allocation('worker-2')).toBeUndefined();
    const { log, overCommitted, answersOf, auditor } = await audit(store);
    expect(overCommitted).toEqual([]);
    expect(answersOf('worker-2')).toEqual([]);
    expect(
      log.filter((e) => e.streamId === streamIds.instance('worker-2')).map((e) => e.type),
    ).toEqual(['InstanceRequested', 'InstanceStopped']);
    // No ledger entry for it, and each host's running total counts what is really there.
    expect(
      log.filter(
        (e) =>
          e.type === 'HostAllocationChanged' &&
          (e.data as { instance: string }).instance === 'worker-2',
      ),
    ).toEqual([]);
    expect(auditor.state.allocationCount).toBe(3);
    for (const host of auditor.state.hosts) {
      const entries = log.filter((e) => e.streamId === streamIds.allocation(host.id));
      const last = entries[entries.length - 1]?.data as
        { allocated: { cpuMillis: number } } | undefined;
      expect(last?.allocated.cpuMillis ?? 0).toBe(host.allocated.cpu);
    }
  });

  it('appends at the stream’s new version a decision the instance decider still accepts', async () => {
    const store = await clusterWith(workers(2));
    const engine = await engineOn(store, 2);
    // A writer from before the decider asks for worker-1 again: its stream moves on, it still waits.
    store.interloper = async (log) => {
      await log.append(streamIds.instance('worker-1'), 1, [
        newEvent('InstanceRequested', requested('worker-1'), testMetadata()),
      ]);
    };
    const answers = await engine.place(workers(2).map(request), { correlationId: randomUUID() });
    expect(answers.map((a) => a.outcome)).toEqual(['placed', 'placed']);
    const { log } = await audit(store);
    const placed = log.find(
      (e) => e.streamId === streamIds.instance('worker-1') && e.type === 'InstancePlaced',
    );
    expect(placed?.streamVersion).toBe(3);
  });

  it('never plans a request for an instance no longer pending', async () => {
    const store = await clusterWith(workers(2));
    const engine = await engineOn(store, 2);
    await engine.place([request('worker-0')], { correlationId: randomUUID() });
    const answers = await engine.place(workers(2).map(request), { correlationId: randomUUID() });
    expect(answers.map((a) => a.outcome)).toEqual(['dropped', 'placed']);
    expect(answers[0]).toMatchObject({ reason: 'instance is placed' });
    expect((await audit(store)).answersOf('worker-0')).toEqual(['InstancePlaced']);
  });

  it('takes back every placement of a round the log refuses, and rejects', async () => {
    const store = await clusterWith(workers(4));
    const engine = await engineOn(store, 2);
    store.appendMany = () => Promise.reject(new Error('the log is gone'));
    await expect(
      engine.place(workers(4).map(request), { correlationId: randomUUID() }),
    ).rejects.toThrow('the log is gone');
    expect(engine.state.allocationCount).toBe(0);
  });

  it('takes back the round when the log cannot be read after a conflict, and rejects', async () => {
    const store = await clusterWith(workers(4));
    const engine = await engineOn(store, 4);
    store.interloper = async (log) => {
      const { life } = engine.lives.of('worker-2');
      const events = decideInstance({ type: 'request-stop', reason: 'scale-in' }, life);
      await log.append(
        streamIds.instance('worker-2'),
        1,
        events.map((e) => newEvent(e.type, e.data, testMetadata())),
      );
      // The re-read that follows the conflict finds the database gone.
      store.readStream = () => Promise.reject(new Error('connection terminated'));
    };
    await expect(
      engine.place(workers(4).map(request), { correlationId: randomUUID() }),
    ).rejects.toThrow('connection terminated');
    expect(engine.state.allocationCount).toBe(0);
  });
});
