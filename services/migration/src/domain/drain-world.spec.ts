import { decideDrainStep } from './drain-evacuation';
import { drainSituation, emptyDrainWorld, foldDrainWorld, type WorldEvent } from './drain-world';

const spec = {
  apiVersion: 'federa/v1',
  kind: 'Service',
  metadata: { name: 'shop' },
  spec: {
    applications: [
      {
        name: 'web',
        layer: 'process',
        artifact: { command: ['node', 'web.js'] },
        resources: { cpu: '100m', memory: '64Mi' },
        replicas: { min: 2, max: 2 },
        dependsOn: ['db'],
      },
      {
        name: 'db',
        layer: 'process',
        artifact: { command: ['node', 'db.js'] },
        resources: { cpu: '100m', memory: '64Mi' },
        data: { path: 'data' },
      },
    ],
  },
};

function instanceEvents(
  instance: string,
  app: string,
  host: string,
): Omit<WorldEvent, 'position'>[] {
  const ref = { service: 'shop', app, instance };
  return [
    { type: 'InstanceRequested', data: { ...ref, layer: 'process', revision: 1 } },
    { type: 'InstancePlaced', data: { ...ref, host, layer: 'process', hostEpoch: 1 } },
    { type: 'InstanceHealthy', data: { ...ref, host } },
  ];
}

function worldOf(events: Omit<WorldEvent, 'position'>[]) {
  const world = emptyDrainWorld();
  events.forEach((e, i) => foldDrainWorld(world, { ...e, position: i + 1 }));
  return world;
}

const options = { now: 0, maxParallel: 2, refusals: new Map(), pending: new Map() };

describe('the world a drain is decided from', () => {
  const history = [
    { type: 'ServiceDefined', data: { service: 'shop', spec, revision: 1 } },
    ...instanceEvents('web-1', 'web', 'a'),
    ...instanceEvents('web-2', 'web', 'b'),
    ...instanceEvents('db-1', 'db', 'a'),
    { type: 'HostDrainStarted', data: { host: 'a', instances: ['web-1', 'db-1'] } },
  ];

  it('follows a drain from its start to its end', () => {
    const world = worldOf(history);
    expect(world.drains.get('a')).toEqual({
      host: 'a',
      startedAt: history.length,
      number: 1,
      instances: ['web-1', 'db-1'],
    });
    const ended = worldOf([
      ...history,
      { type: 'HostDrained', data: { host: 'a', evacuated: [], notRelocatable: [] } },
    ]);
    expect(ended.drains.size).toBe(0);
  });

  it('gives the instances on the host, the rules and counts of their applications', () => {
    const world = worldOf(history);
    const situation = drainSituation(world, world.drains.get('a')!, options);
    expect(situation.onHost.map((i) => i.instance)).toEqual(['web-1', 'db-1']);
    expect(situation.apps).toEqual(
      expect.arrayContaining([
        {
          service: 'shop',
          app: 'web',
          dependsOn: ['db'],
          min: 2,
          relocatable: true,
          stateful: false,
        },
        expect.objectContaining({ app: 'db', stateful: true, min: 1 }),
      ]),
    );
    expect(situation.replicas).toEqual(
      expect.arrayContaining([{ service: 'shop', app: 'web', live: 2, healthy: 2 }]),
    );
  });

  it("counts this drain's moves with their ends, and a move started here but not read yet", () => {
    const world = worldOf([
      ...history,
      {
        type: 'MigrationStarted',
        data: { migration: 'm-1', instance: 'web-1', from: 'a', to: 'b', reason: 'drain' },
      },
      {
        type: 'MigrationRolledBack',
        data: { migration: 'm-1', instance: 'web-1', host: 'a', reason: 'verify: timed out' },
      },
    ]);
    const situation = drainSituation(world, world.drains.get('a')!, {
      ...options,
      pending: new Map([
        ['db-1', { migration: 'm-2', from: 'a' }],
        ['web-2', { migration: 'm-3', from: 'b' }],
      ]),
    });
    expect(situation.moves).toEqual([
      {
        migration: 'm-1',
        instance: 'web-1',
        status: 'rolled-back',
        byThisDrain: true,
        why: 'verify: timed out',
      },
      { migration: 'm-2', instance: 'db-1', status: 'active', byThisDrain: true },
    ]);
  });

  it("keeps when the log recorded a move's end, and a new leader folding the same log decides the same retry", () => {
    const rolledBackAt = '2025-01-01T00:00:00.000Z';
    const log = [
      ...history,
      {
        type: 'MigrationStarted',
        data: { migration: 'm-1', instance: 'web-1', from: 'a', to: 'b', reason: 'drain' },
      },
      {
        type: 'MigrationRolledBack',
        recordedAt: rolledBackAt,
        data: {
          migration: 'm-1',
          instance: 'web-1',
          host: 'a',
          reason: 'start-target: agent b did not answer start: NatsError: TIMEOUT',
        },
      },
    ];
    const decide = (world: ReturnType<typeof worldOf>, now: number) =>
      decideDrainStep(drainSituation(world, world.drains.get('a')!, { ...options, now }));
    const at = (seconds: number) => Date.parse(rolledBackAt) + seconds * 1000;
    // The leader that saw the rollback waits 5 s from its recorded time, then moves web-1 again.
    const leader = worldOf(log);
    expect(drainSituation(leader, leader.drains.get('a')!, options).moves).toEqual([
      expect.objectContaining({ migration: 'm-1', endedAt: at(0) }),
    ]);
    expect(decide(leader, at(3))).toMatchObject({ candidates: [], blocked: [] });
    // A leader that takes over 6 s later, folding the same log afresh, decides as the first would.
    const next = worldOf(log);
    expect(decide(next, at(6))).toEqual(decide(leader, at(6)));
    expect(decide(next, at(6))).toMatchObject({ candidates: ['web-1'], blocked: [] });
  });

  it('forgets a drain an uncordon ended, so that it starts no more moves, and counts the next one after it', () => {
    const cancelled = worldOf([
      ...history,
      { type: 'HostUncordoned', data: { host: 'a', drainEnded: true } },
    ]);
    expect(cancelled.drains.size).toBe(0);
    const uncordonedOnly = worldOf([...history, { type: 'HostUncordoned', data: { host: 'a' } }]);
    expect(uncordonedOnly.drains.get('a')).toMatchObject({ number: 1 });
    const again = worldOf([
      ...history,
      { type: 'HostUncordoned', data: { host: 'a', drainEnded: true } },
      { type: 'HostDrainStarted', data: { host: 'a', instances: ['web-1'] } },
    ]);
    expect(again.drains.get('a')).toMatchObject({ number: 2, instances: ['web-1'] });
  });

  it('keeps the HostDrainStarted of a drain, so that its moves act for whoever asked for it', () => {
    const metadata = { correlationId: 'c-1', actor: 'token:bob', actorRole: 'admin' };
    const world = worldOf([
      ...history.slice(0, -1),
      { ...history[history.length - 1], eventId: 'e-drain', metadata },
    ]);
    expect(world.drains.get('a')?.cause).toEqual({ eventId: 'e-drain', metadata });
  });

  it('numbers the drains of a host, so that commands for an earlier one can be told apart', () => {
    const world = worldOf([
      ...history,
      { type: 'HostDrainTimedOut', data: { host: 'a', evacuated: [], remaining: [] } },
      { type: 'HostDrainStarted', data: { host: 'a', instances: ['web-1', 'db-1'] } },
    ]);
    expect(world.drains.get('a')).toMatchObject({ number: 2 });
  });

  it('does not count healthy a replica whose move is in flight or pending, whichever host it leaves', () => {
    const world = worldOf([
      ...history,
      ...instanceEvents('web-3', 'web', 'c'),
      {
        type: 'MigrationStarted',
        data: { migration: 'm-1', instance: 'web-1', from: 'a', to: 'b', reason: 'drain' },
      },
    ]);
    const situation = drainSituation(world, world.drains.get('a')!, {
      ...options,
      pending: new Map([['web-3', { migration: 'm-2', from: 'c' }]]),
    });
    expect(situation.replicas).toEqual(
      expect.arrayContaining([{ service: 'shop', app: 'web', live: 3, healthy: 1 }]),
    );
  });

  it("reads a copied service's applications from its ServiceCopied", () => {
    const world = worldOf([
      { type: 'ServiceCopied', data: { service: 'shop', spec, revision: 1, copiedFrom: 'x' } },
    ]);
    expect([...world.apps.keys()].sort()).toEqual(['shop/db', 'shop/web']);
  });

  it('forgets what no drain in progress needs: ended moves and instances, once their drain ended', () => {
    const ended = (instance: string) => ({
      type: 'InstanceStopped',
      data: { service: 'shop', app: 'web', instance, host: 'b', reason: 'stopped' },
    });
    const world = worldOf([
      ...history,
      ...instanceEvents('web-3', 'web', 'b'),
      ended('web-3'),
      {
        type: 'MigrationStarted',
        data: { migration: 'm-1', instance: 'web-2', from: 'b', to: 'c', reason: 'requested' },
      },
      { type: 'MigrationCompleted', data: { migration: 'm-1', instance: 'web-2' } },
      {
        type: 'MigrationStarted',
        data: { migration: 'm-2', instance: 'web-1', from: 'a', to: 'c', reason: 'drain' },
      },
      { type: 'MigrationCompleted', data: { migration: 'm-2', instance: 'web-1' } },
      ended('db-1'),
    ]);
    expect([...world.instances.keys()]).toEqual(['web-1', 'web-2', 'db-1']);
    expect([...world.migrations.keys()]).toEqual(['m-2']);
    foldDrainWorld(world, {
      type: 'HostDrained',
      position: 1000,
      data: { host: 'a', evacuated: ['web-1'], notRelocatable: [] },
    });
    expect([...world.instances.keys()]).toEqual(['web-1', 'web-2']);
    expect(world.migrations.size).toBe(0);
  });

  it('forgets what only a drain needed once a new drain of its host replaces it, and decides the new drain the same', () => {
    const stopped = (instance: string, app: string) => ({
      type: 'InstanceStopped',
      data: { service: 'shop', app, instance, host: 'a', reason: 'stopped' },
    });
    const world = worldOf([
      ...history,
      {
        type: 'MigrationStarted',
        data: { migration: 'm-1', instance: 'web-1', from: 'a', to: 'c', reason: 'drain' },
      },
      { type: 'MigrationFailed', data: { migration: 'm-1', reason: 'target went away' } },
      stopped('web-1', 'web'),
      stopped('db-1', 'db'),
    ]);
    expect([...world.instances.keys()]).toEqual(['web-1', 'web-2', 'db-1']);
    expect([...world.migrations.keys()]).toEqual(['m-1']);
    foldDrainWorld(world, {
      type: 'HostDrainStarted',
      position: 1000,
      data: { host: 'a', instances: ['db-1'] },
    });
    // web-1 and m-1 were the first drain's alone; db-1 the new drain lists too.
    expect([...world.instances.keys()]).toEqual(['web-2', 'db-1']);
    expect(world.migrations.size).toBe(0);
    const drain = world.drains.get('a')!;
    expect(drain).toMatchObject({ startedAt: 1000, number: 2, instances: ['db-1'] });
    const situation = drainSituation(world, drain, options);
    expect(situation.startedWith).toEqual([{ instance: 'db-1', service: 'shop', app: 'db' }]);
    expect(situation.moves).toEqual([]);
    expect(decideDrainStep(situation)).toMatchObject({ outcome: 'drained' });
    foldDrainWorld(world, {
      type: 'HostDrained',
      position: 1001,
      data: { host: 'a', evacuated: [], notRelocatable: [] },
    });
    expect([...world.instances.keys()]).toEqual(['web-2']);
  });
});
