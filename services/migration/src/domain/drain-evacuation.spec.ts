import {
  decideDrainStep,
  notRunningBoundMs,
  type AppRules,
  type DrainMove,
  type DrainSituation,
  type HostInstance,
} from './drain-evacuation';

const app = (name: string, rules: Partial<AppRules> = {}): AppRules => ({
  service: 'shop',
  app: name,
  dependsOn: [],
  min: 1,
  relocatable: true,
  stateful: false,
  ...rules,
});
const on = (instance: string, appName: string, status: HostInstance['status'] = 'healthy') => ({
  instance,
  service: 'shop',
  app: appName,
  status,
});
const move = (instance: string, status: DrainMove['status'], more: Partial<DrainMove> = {}) => ({
  migration: `mig-${instance}`,
  instance,
  status,
  byThisDrain: true,
  ...more,
});

function situation(overrides: Partial<DrainSituation>): DrainSituation {
  const onHost = overrides.onHost ?? [];
  return {
    host: 'mph-1',
    startedWith: onHost.map(({ instance, service, app }) => ({ instance, service, app })),
    now: Date.parse('2025-01-01T00:00:00.000Z'),
    maxParallel: 2,
    onHost,
    apps: [],
    replicas: [],
    moves: [],
    refusals: new Map(),
    ...overrides,
  };
}

describe('deciding the next step of a drain', () => {
  it('finishes the drain once nothing runs on the host and nothing moves off it', () => {
    const step = decideDrainStep(
      situation({
        startedWith: [{ instance: 'web-1', service: 'shop', app: 'web' }],
        apps: [app('web')],
        moves: [move('web-1', 'succeeded'), move('other-1', 'succeeded', { byThisDrain: false })],
      }),
    );
    expect(step).toEqual({ outcome: 'drained', evacuated: ['web-1'], notRelocatable: [] });
  });

  it('waits for a move in flight before finishing', () => {
    const step = decideDrainStep(situation({ moves: [move('web-1', 'active')] }));
    expect(step).toMatchObject({ outcome: 'evacuating', candidates: [], slots: 1 });
  });

  it('lists as not relocatable the pinned instances the drain began with that left otherwise', () => {
    const step = decideDrainStep(
      situation({
        startedWith: [{ instance: 'pin-1', service: 'shop', app: 'pinned' }],
        apps: [app('pinned', { relocatable: false })],
      }),
    );
    expect(step).toEqual({ outcome: 'drained', evacuated: [], notRelocatable: ['pin-1'] });
  });

  it('moves dependents before what they depend on, transitively', () => {
    const apps = [
      app('web', { dependsOn: ['api'] }),
      app('api', { dependsOn: ['db'] }),
      app('db', { stateful: true }),
    ];
    const replicas = ['web', 'api', 'db'].map((a) => ({
      service: 'shop',
      app: a,
      live: 1,
      healthy: 1,
    }));
    const all = [on('db-1', 'db'), on('api-1', 'api'), on('web-1', 'web')];
    expect(decideDrainStep(situation({ onHost: all, apps, replicas }))).toMatchObject({
      candidates: ['web-1'],
      blocked: [],
    });
    // web moving: api and db still wait for it.
    expect(
      decideDrainStep(situation({ onHost: all, apps, replicas, moves: [move('web-1', 'active')] })),
    ).toMatchObject({ candidates: [], slots: 1 });
    // web gone: api, then db.
    expect(decideDrainStep(situation({ onHost: all.slice(0, 2), apps, replicas }))).toMatchObject({
      candidates: ['api-1'],
    });
    expect(decideDrainStep(situation({ onHost: all.slice(0, 1), apps, replicas }))).toMatchObject({
      candidates: ['db-1'],
    });
  });

  it('does not hold back what a blocked dependent depends on', () => {
    const step = decideDrainStep(
      situation({
        onHost: [on('web-1', 'web'), on('db-1', 'db')],
        apps: [app('web', { dependsOn: ['db'], relocatable: false }), app('db')],
      }),
    );
    expect(step).toMatchObject({
      candidates: ['db-1'],
      blocked: [{ instance: 'web-1', service: 'shop', app: 'web', reason: 'not relocatable' }],
    });
  });

  it('moves at most the free slots at a time: FEDERA_DRAIN_MAX_PARALLEL less the moves in flight', () => {
    const onHost = ['a-1', 'a-2', 'a-3', 'a-4'].map((i) => on(i, 'a'));
    const apps = [app('a')];
    expect(decideDrainStep(situation({ onHost, apps, maxParallel: 2 }))).toMatchObject({
      candidates: ['a-1', 'a-2', 'a-3', 'a-4'],
      slots: 2,
    });
    const moves = [move('a-1', 'active'), move('x-1', 'active', { byThisDrain: false })];
    expect(decideDrainStep(situation({ onHost, apps, maxParallel: 2, moves }))).toMatchObject({
      candidates: ['a-2', 'a-3', 'a-4'],
      slots: 0,
    });
  });

  it('never takes an application with several replicas below replicas.min healthy', () => {
    const apps = [app('db', { stateful: true, min: 2 })];
    const onHost = [on('db-1', 'db'), on('db-2', 'db')];
    const step = decideDrainStep(
      situation({
        onHost,
        apps,
        replicas: [{ service: 'shop', app: 'db', live: 3, healthy: 3 }],
      }),
    );
    expect(step).toMatchObject({
      candidates: ['db-1'],
      blocked: [
        {
          instance: 'db-2',
          reason:
            'disruption budget: db has 2 healthy of replicas.min 2; moving this one would leave 1',
        },
      ],
    });
  });

  it('lets an application without data move make-before-break whatever its healthy count', () => {
    const step = decideDrainStep(
      situation({
        onHost: [on('web-1', 'web')],
        apps: [app('web', { min: 2 })],
        replicas: [{ service: 'shop', app: 'web', live: 2, healthy: 2 }],
      }),
    );
    expect(step).toMatchObject({ candidates: ['web-1'], blocked: [] });
  });

  it('moves a single-replica application alone: the budget never blocks it', () => {
    const step = decideDrainStep(
      situation({
        onHost: [on('db-1', 'db')],
        apps: [app('db', { stateful: true, min: 1 })],
        replicas: [{ service: 'shop', app: 'db', live: 1, healthy: 1 }],
      }),
    );
    expect(step).toMatchObject({ candidates: ['db-1'], blocked: [] });
  });

  it('blocks a non-relocatable instance, one whose move failed, and one without a spec, with why', () => {
    const step = decideDrainStep(
      situation({
        onHost: [on('pin-1', 'pinned'), on('kv-1', 'kv'), on('old-1', 'gone')],
        apps: [app('pinned', { relocatable: false }), app('kv', { stateful: true })],
        moves: [move('kv-1', 'rolled-back', { why: 'import: target unreachable' })],
      }),
    );
    expect(step).toEqual({
      outcome: 'evacuating',
      candidates: [],
      slots: 2,
      blocked: [
        {
          instance: 'kv-1',
          service: 'shop',
          app: 'kv',
          reason: 'its move was rolled back (migration mig-kv-1): import: target unreachable',
        },
        { instance: 'old-1', service: 'shop', app: 'gone', reason: 'no spec for shop/gone' },
        { instance: 'pin-1', service: 'shop', app: 'pinned', reason: 'not relocatable' },
      ],
    });
  });

  describe('a move rolled back because an end did not answer in time', () => {
    const timeout = 'start-target: agent h3 did not answer start: NatsError: TIMEOUT';
    const now = Date.parse('2025-01-01T00:00:00.000Z');
    const rolledBack = (instance: string, n: number, why = timeout) =>
      Array.from({ length: n }, (_, k) =>
        move(instance, 'rolled-back', {
          migration: `mig-${instance}-${k + 1}`,
          why,
          endedAt: now - 60_000 * (n - k),
        }),
      );
    const kv = (moves: DrainMove[], at: number, more: Partial<DrainSituation> = {}) =>
      decideDrainStep(
        situation({
          now: at,
          onHost: [on('kv-1', 'kv')],
          apps: [app('kv', { stateful: true })],
          moves,
          ...more,
        }),
      );

    it('is moved again once its backoff since the recorded rollback passed, not before', () => {
      const endedAt = now - 4_000;
      const moves = [move('kv-1', 'rolled-back', { why: timeout, endedAt })];
      // 4 s after the rollback: it waits, neither a candidate nor listed as blocked.
      expect(kv(moves, now)).toEqual({
        outcome: 'evacuating',
        candidates: [],
        slots: 2,
        blocked: [],
      });
      expect(kv(moves, endedAt + 5_000)).toMatchObject({ candidates: ['kv-1'], blocked: [] });
    });

    it('gives the retry it waits for as why it stayed, when the deadline passes first', () => {
      const moves = [move('kv-1', 'rolled-back', { why: timeout, endedAt: now - 1_000 })];
      expect(kv(moves, now, { deadlineAt: '2025-01-01T00:00:00.000Z' })).toEqual({
        outcome: 'timed-out',
        evacuated: [],
        remaining: [
          {
            instance: 'kv-1',
            service: 'shop',
            app: 'kv',
            reason: `its move was rolled back (migration mig-kv-1): ${timeout}; moved again from 2025-01-01T00:00:04.000Z (attempt 2 of 4)`,
          },
        ],
      });
    });

    it('is moved a fourth time after three rollbacks, and listed as blocked after a fourth', () => {
      expect(kv(rolledBack('kv-1', 3), now)).toMatchObject({ candidates: ['kv-1'], blocked: [] });
      expect(kv(rolledBack('kv-1', 4), now)).toEqual({
        outcome: 'evacuating',
        candidates: [],
        slots: 2,
        blocked: [
          {
            instance: 'kv-1',
            service: 'shop',
            app: 'kv',
            reason: `its move was rolled back (migration mig-kv-1-4): ${timeout}; the drain moved it 4 times and tries no more`,
          },
        ],
      });
    });

    it('is moved again, while one rolled back because its target failed it waits for the operator', () => {
      const step = decideDrainStep(
        situation({
          now,
          onHost: [on('kv-1', 'kv'), on('kv-2', 'kv')],
          apps: [app('kv')],
          moves: [
            ...rolledBack('kv-1', 1),
            ...rolledBack('kv-2', 1, 'import: import on h3 failed: checksum mismatch'),
          ],
        }),
      );
      expect(step).toMatchObject({
        candidates: ['kv-1'],
        blocked: [
          {
            instance: 'kv-2',
            reason:
              'its move was rolled back (migration mig-kv-2-1): import: import on h3 failed: checksum mismatch',
          },
        ],
      });
    });

    it('holds back what it depends on while it waits for its retry', () => {
      const step = decideDrainStep(
        situation({
          now,
          onHost: [on('web-1', 'web'), on('db-1', 'db')],
          apps: [app('web', { dependsOn: ['db'] }), app('db')],
          moves: [move('web-1', 'rolled-back', { why: timeout, endedAt: now - 1_000 })],
        }),
      );
      expect(step).toMatchObject({ candidates: [], blocked: [] });
    });
  });

  it('lists an instance placement found no host for, and offers it again', () => {
    const step = decideDrainStep(
      situation({
        onHost: [on('web-1', 'web')],
        apps: [app('web')],
        refusals: new Map([['web-1', 'no feasible host: free-resources']]),
      }),
    );
    expect(step).toMatchObject({
      candidates: ['web-1'],
      blocked: [{ instance: 'web-1', reason: 'no feasible host: free-resources' }],
    });
  });

  it('lets an instance that does not run yet wait without calling it blocked', () => {
    const step = decideDrainStep(
      situation({ onHost: [on('web-1', 'web', 'starting')], apps: [app('web')] }),
    );
    expect(step).toEqual({ outcome: 'evacuating', candidates: [], slots: 2, blocked: [] });
  });

  it('times out at the deadline listing what stayed and why, moves in flight included', () => {
    const step = decideDrainStep(
      situation({
        deadlineAt: '2025-01-01T00:00:00.000Z',
        onHost: [on('pin-1', 'pinned'), on('web-1', 'web'), on('kv-1', 'kv')],
        apps: [app('pinned', { relocatable: false }), app('web'), app('kv')],
        moves: [move('web-1', 'active'), move('db-1', 'succeeded')],
        maxParallel: 1,
      }),
    );
    expect(step).toEqual({
      outcome: 'timed-out',
      evacuated: ['db-1'],
      remaining: [
        { instance: 'kv-1', service: 'shop', app: 'kv', reason: 'waiting for a slot' },
        { instance: 'pin-1', service: 'shop', app: 'pinned', reason: 'not relocatable' },
        { instance: 'web-1', service: 'shop', app: 'web', reason: 'moving (migration mig-web-1)' },
      ],
    });
  });

  it('times out giving the budget and the dependents as why an instance stayed, not a slot', () => {
    const step = decideDrainStep(
      situation({
        deadlineAt: '2025-01-01T00:00:00.000Z',
        onHost: [on('web-1', 'web', 'starting'), on('api-1', 'api'), on('db-1', 'db')],
        apps: [
          app('web', { dependsOn: ['api'] }),
          app('api'),
          app('db', { stateful: true, min: 2 }),
        ],
        replicas: [{ service: 'shop', app: 'db', live: 2, healthy: 2 }],
      }),
    );
    expect(step).toMatchObject({
      outcome: 'timed-out',
      remaining: [
        { instance: 'api-1', reason: 'waits for its dependents to move first: web-1' },
        { instance: 'db-1', reason: expect.stringMatching(/^disruption budget/) },
        { instance: 'web-1', reason: expect.stringContaining('starting: not running') },
      ],
    });
  });

  it('lists an instance that has not run for too long, and what waits on it as a dependent', () => {
    const now = Date.parse('2025-01-01T00:10:00.000Z');
    const step = decideDrainStep(
      situation({
        now,
        onHost: [on('web-1', 'web', 'lost'), on('db-2', 'db')],
        apps: [app('web', { dependsOn: ['db'] }), app('db')],
        notRunningSince: new Map([['web-1', now - notRunningBoundMs]]),
      }),
    );
    expect(step).toMatchObject({
      outcome: 'evacuating',
      candidates: [],
      blocked: [
        { instance: 'db-2', reason: 'waits for its dependents to move first: web-1' },
        { instance: 'web-1', reason: expect.stringContaining('lost: not running') },
      ],
    });
  });

  it('offers candidates in the order a dry run lists: dependents first, then by instance', () => {
    const step = decideDrainStep(
      situation({
        onHost: [on('db-1', 'db'), on('web-2', 'web'), on('cache-1', 'cache'), on('web-1', 'web')],
        apps: [app('db'), app('web', { dependsOn: ['db'] }), app('cache')],
      }),
    );
    expect(step).toMatchObject({ candidates: ['cache-1', 'web-1', 'web-2'] });
  });

  it('does not list a dependency wait on a dependent that moves or is about to', () => {
    const step = decideDrainStep(
      situation({
        onHost: [on('web-1', 'web'), on('db-2', 'db')],
        apps: [app('web', { dependsOn: ['db'] }), app('db')],
      }),
    );
    expect(step).toMatchObject({ candidates: ['web-1'], blocked: [] });
  });

  it('goes on before its deadline', () => {
    const step = decideDrainStep(
      situation({
        deadlineAt: '2025-01-01T00:00:01.000Z',
        onHost: [on('web-1', 'web')],
        apps: [app('web')],
      }),
    );
    expect(step.outcome).toBe('evacuating');
  });
});
