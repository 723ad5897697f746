import { FederaError } from '@federa/contracts';
import { emptyDrainWorld, foldDrainWorld, type DrainWorld } from '../domain/drain-world';
import { DrainRunner, refusalOf } from './drain-runner';

const spec = {
  apiVersion: 'federa/v1',
  kind: 'Service',
  metadata: { name: 'shop' },
  spec: {
    applications: ['a', 'b', 'c'].map((name) => ({
      name,
      layer: 'process',
      artifact: { command: ['node', `${name}.js`] },
      resources: { cpu: '100m', memory: '64Mi' },
    })),
  },
};

function worldWith(instances: string[]): DrainWorld {
  const world = emptyDrainWorld();
  let position = 0;
  const fold = (type: string, data: object) =>
    foldDrainWorld(world, { type, data, position: ++position });
  fold('ServiceDefined', { service: 'shop', spec, revision: 1 });
  for (const instance of instances) {
    const ref = { service: 'shop', app: instance.slice(0, 1), instance };
    fold('InstanceRequested', { ...ref, layer: 'process', revision: 1 });
    fold('InstancePlaced', { ...ref, host: 'h1', layer: 'process', hostEpoch: 1 });
    fold('InstanceHealthy', { ...ref, host: 'h1' });
  }
  fold('HostDrainStarted', { host: 'h1', instances, replaceWith: 'h2' });
  return world;
}

/** The follower reads the MigrationStarted of the drain's move of `instance`. */
function read(world: DrainWorld, instance: string): void {
  foldDrainWorld(world, {
    type: 'MigrationStarted',
    position: 1000 + world.migrations.size,
    data: { migration: `mig-${instance}`, instance, from: 'h1', to: 'h2', reason: 'drain' },
  });
}

function runner(world: DrainWorld, refuse: Record<string, Error> = {}, leader = true) {
  const started: { instance: string; to: string | undefined }[] = [];
  /** The log position each start asked placement to have read. */
  const afters: number[] = [];
  const sent: { name: string; payload: unknown }[] = [];
  const drains = new DrainRunner(
    {
      follower: { ready: true, world },
      startMove: async (instance, to, after) => {
        if (refuse[instance]) throw refuse[instance];
        afters.push(after);
        started.push({ instance, to });
        return `mig-${instance}`;
      },
      inventory: {
        sendCommand: async <R>(name: string, payload: unknown) => {
          sent.push({ name, payload });
          return {} as R;
        },
      },
      isLeader: () => leader,
      log: () => undefined,
    },
    { maxParallel: 2 },
  );
  return { drains, started, sent, afters };
}

const noHost = new FederaError('conflict', 'no host can take c-1', [
  { path: 'to', host: 'h2', filter: 'free-resources', reason: 'h2: free-resources (...)' },
]);

describe('the drain runner', () => {
  it('starts at most the allowed moves, towards the replacement host, once each', async () => {
    const world = worldWith(['a-1', 'b-1', 'c-1']);
    const { drains, started } = runner(world);
    await drains.tick();
    // The drain's order: the reverse of the start order, here the reverse of the spec's.
    expect(started).toEqual([{ instance: 'c-1', to: 'h2' }]);
    read(world, 'c-1');
    await drains.tick();
    read(world, 'b-1');
    await drains.tick();
    expect(started).toEqual([
      { instance: 'c-1', to: 'h2' },
      { instance: 'b-1', to: 'h2' },
    ]);
  });

  it('starts no move while one it started is not read yet: placement holds no room for it', async () => {
    const world = worldWith(['a-1', 'b-1']);
    const { drains, started, afters } = runner(world);
    await drains.tick();
    await drains.tick();
    expect(started).toEqual([{ instance: 'b-1', to: 'h2' }]);
    read(world, 'b-1');
    await drains.tick();
    expect(started).toHaveLength(2);
    // The second start asks placement to have read the first one's MigrationStarted.
    expect(afters).toEqual([0, world.migrations.get('mig-b-1')!.startedAt]);
  });

  it("reports placement's refusal as blocking, in its filter's words, and only once", async () => {
    const { drains, sent } = runner(worldWith(['c-1']), { 'c-1': noHost });
    await drains.tick();
    await drains.tick();
    expect(sent).toEqual([
      {
        name: 'recordDrainBlocked',
        payload: {
          host: 'h1',
          drain: 1,
          blocked: [
            {
              instance: 'c-1',
              service: 'shop',
              app: 'c',
              reason: 'no feasible host: free-resources',
            },
          ],
        },
      },
    ]);
  });

  it('finishes the drain once the host is empty', async () => {
    const world = worldWith([]);
    const { drains, sent } = runner(world);
    await drains.tick();
    expect(sent).toEqual([
      { name: 'finishDrain', payload: { host: 'h1', drain: 1, evacuated: [], notRelocatable: [] } },
    ]);
  });

  it('does nothing on a replica that does not lead', async () => {
    const { drains, started, sent } = runner(worldWith(['a-1']), {}, false);
    await drains.tick();
    expect([started, sent]).toEqual([[], []]);
  });

  it('tells a refusal from a failure to ask', () => {
    expect(refusalOf(noHost)).toBe('no feasible host: free-resources');
    expect(refusalOf(new FederaError('conflict', 'x', [{ filter: 'relocation-ban' }]))).toBe(
      'not relocatable',
    );
    expect(refusalOf(new FederaError('unavailable', 'placement lags'))).toBeUndefined();
    expect(refusalOf(new Error('timeout'))).toBeUndefined();
  });
});
