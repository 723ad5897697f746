import { currentSchemaVersion, validateEvent, type MigrationPhase } from '@federa/contracts';
import { DeciderSpecification } from '@federa/testing';
import {
  MigrationCommandRefused,
  migrationDecider,
  type MigrationCommand,
  type MigrationEvent,
} from './migration-saga';
import { migrationPlan } from './migration-plan';
import { migrationView } from './migration-view';
import { rollbackSteps } from './rollback-steps';

const spec = DeciderSpecification.for(migrationDecider, {
  checkEvent: (event) =>
    expect(validateEvent(event.type, currentSchemaVersion(event.type) ?? 1, event.data)).toEqual(
      [],
    ),
});
const ref = { migration: 'm-1', instance: 'i-1' };
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

function start(
  shape: { live?: boolean; stateful?: boolean } = {},
): Extract<MigrationCommand, { type: 'start' }> {
  return {
    type: 'start',
    ...ref,
    service: 'shop',
    app: 'db',
    from: 'host-a',
    to: 'host-b',
    live: shape.live ?? false,
    stateful: shape.stateful ?? false,
    reason: 'requested',
    chosenFrom: at(0),
    chosenAt: at(1),
  };
}

/** The events of a migration's start, and of each listed phase begun at `second` and ended a second later. */
function history(
  shape: { live?: boolean; stateful?: boolean },
  phases: [MigrationPhase, number, number?][],
): MigrationEvent[] {
  const events = migrationDecider.decide(start(shape), migrationDecider.initialState());
  const all = Array.isArray(events) ? [...events] : [events];
  for (const [phase, second, bytes] of phases) {
    all.push({ type: 'MigrationPhaseStarted', data: { ...ref, phase, startedAt: at(second) } });
    all.push({
      type: 'MigrationPhaseCompleted',
      data: {
        ...ref,
        phase,
        startedAt: at(second),
        endedAt: at(second + 1),
        ...(bytes !== undefined ? { bytes } : {}),
      },
    });
  }
  return all;
}

const fold = (events: MigrationEvent[]) =>
  events.reduce(migrationDecider.evolve, migrationDecider.initialState());

describe('the migration saga', () => {
  it('records a migration with its chosen target and the time choose-target took, pending', () => {
    spec
      .given([])
      .when(start({ stateful: true }))
      .then([
        {
          type: 'MigrationStarted',
          data: {
            ...ref,
            service: 'shop',
            app: 'db',
            from: 'host-a',
            to: 'host-b',
            live: false,
            reason: 'requested',
            stateful: true,
          },
        },
        {
          type: 'MigrationPhaseCompleted',
          data: { ...ref, phase: 'choose-target', startedAt: at(0), endedAt: at(1) },
        },
      ])
      .andState((state) => expect(migrationView(state).state).toBe('pending'));
  });

  it('refuses a move to the host the instance already runs on', () => {
    spec
      .given([])
      .when({ ...start(), to: 'host-a' })
      .thenThrows(MigrationCommandRefused);
  });

  it('runs a cold move with data as stop, export, import, start, verify, release', () => {
    expect(migrationPlan({ live: false, stateful: true })).toEqual([
      'choose-target',
      'stop-source',
      'export',
      'import',
      'start-target',
      'verify',
      'release-source',
    ]);
  });

  it('starts a stateless application on its target and verifies it before its source stops', () => {
    const plan = migrationPlan({ live: false, stateful: false });
    expect(plan.indexOf('verify')).toBeLessThan(plan.indexOf('stop-source'));
    expect(plan).not.toContain('export');
  });

  it('moves a live instance by a transfer instead of stop and copy', () => {
    expect(migrationPlan({ live: true, stateful: true })).toEqual([
      'choose-target',
      'live-transfer',
      'verify',
      'release-source',
    ]);
  });

  it('begins only the next phase of its plan, once the one before has ended', () => {
    const started = history({ stateful: true }, []);
    spec
      .given(started)
      .when({ type: 'begin-phase', phase: 'stop-source', at: at(2) })
      .then([
        { type: 'MigrationPhaseStarted', data: { ...ref, phase: 'stop-source', startedAt: at(2) } },
      ])
      .andState((state) => expect(migrationView(state).state).toBe('running'));
    spec
      .given(started)
      .when({ type: 'begin-phase', phase: 'import', at: at(2) })
      .thenThrows(/next phase is stop-source/);
    spec
      .given([
        ...started,
        { type: 'MigrationPhaseStarted', data: { ...ref, phase: 'stop-source', startedAt: at(2) } },
      ])
      .when({ type: 'begin-phase', phase: 'export', at: at(3) })
      .thenThrows(/stop-source has not ended/);
  });

  it('takes a phase begun or ended again as already done (a redelivered step)', () => {
    const stopping = [
      ...history({ stateful: true }, []),
      { type: 'MigrationPhaseStarted', data: { ...ref, phase: 'stop-source', startedAt: at(2) } },
    ] as MigrationEvent[];
    spec
      .given(stopping)
      .when({ type: 'begin-phase', phase: 'stop-source', at: at(3) })
      .thenNothing();
    spec
      .given(history({ stateful: true }, [['stop-source', 2]]))
      .when({ type: 'complete-phase', phase: 'stop-source', at: at(9) })
      .thenNothing();
  });

  it('ends a cold move with its downtime, from the source stopping to the target verified, and the bytes exported', () => {
    const upToRelease = history({ stateful: true }, [
      ['stop-source', 2],
      ['export', 3, 4096],
      ['import', 4, 4096],
      ['start-target', 5],
      ['verify', 6],
    ]);
    spec
      .given([
        ...upToRelease,
        {
          type: 'MigrationPhaseStarted',
          data: { ...ref, phase: 'release-source', startedAt: at(8) },
        },
      ])
      .when({ type: 'complete-phase', phase: 'release-source', at: at(9) })
      .then([
        {
          type: 'MigrationPhaseCompleted',
          data: { ...ref, phase: 'release-source', startedAt: at(8), endedAt: at(9) },
        },
        {
          type: 'MigrationCompleted',
          data: { ...ref, from: 'host-a', to: 'host-b', downtimeMs: 5000, bytesCopied: 4096 },
        },
      ])
      .andState((state) =>
        expect(migrationView(state)).toMatchObject({
          state: 'succeeded',
          mode: 'cold',
          downtimeMs: 5000,
          bytesCopied: 4096,
          phases: expect.arrayContaining([{ name: 'export', startedAt: at(3), endedAt: at(4) }]),
        }),
      );
  });

  it('records no downtime for a make-before-break move', () => {
    const state = fold([
      ...history({}, [
        ['start-target', 2],
        ['verify', 3],
        ['stop-source', 4],
        ['release-source', 5],
      ]),
    ]);
    expect(state.phases.map((p) => p.name)).toEqual([
      'choose-target',
      'start-target',
      'verify',
      'stop-source',
      'release-source',
    ]);
    const done = migrationDecider.decide(
      { type: 'complete-phase', phase: 'release-source', at: at(9) },
      fold(
        history({}, [
          ['start-target', 2],
          ['verify', 3],
          ['stop-source', 4],
        ]).concat([
          {
            type: 'MigrationPhaseStarted',
            data: { ...ref, phase: 'release-source', startedAt: at(5) },
          },
        ]),
      ),
    );
    expect(done).toContainEqual(
      expect.objectContaining({
        type: 'MigrationCompleted',
        data: expect.objectContaining({ downtimeMs: 0 }),
      }),
    );
  });

  it('records the downtime the layer measured during a live transfer', () => {
    const transferring = [
      ...history({ live: true }, []),
      { type: 'MigrationPhaseStarted', data: { ...ref, phase: 'live-transfer', startedAt: at(2) } },
    ] as MigrationEvent[];
    const [transferred] = migrationDecider.decide(
      { type: 'complete-phase', phase: 'live-transfer', at: at(4), bytes: 1 << 20, downtimeMs: 42 },
      fold(transferring),
    ) as MigrationEvent[];
    const rest = [
      transferred,
      { type: 'MigrationPhaseStarted', data: { ...ref, phase: 'verify', startedAt: at(5) } },
      {
        type: 'MigrationPhaseCompleted',
        data: { ...ref, phase: 'verify', startedAt: at(5), endedAt: at(6) },
      },
      {
        type: 'MigrationPhaseStarted',
        data: { ...ref, phase: 'release-source', startedAt: at(7) },
      },
    ] as MigrationEvent[];
    spec
      .given([...transferring, ...rest])
      .when({ type: 'complete-phase', phase: 'release-source', at: at(8) })
      .then([
        expect.objectContaining({ type: 'MigrationPhaseCompleted' }),
        {
          type: 'MigrationCompleted',
          data: { ...ref, from: 'host-a', to: 'host-b', downtimeMs: 42, bytesCopied: 1 << 20 },
        },
      ]);
  });

  it('rolls back a failure while its source can run the instance, naming the phase and the reason', () => {
    const importing = [
      ...history({ stateful: true }, [
        ['stop-source', 2],
        ['export', 3, 10],
      ]),
      { type: 'MigrationPhaseStarted', data: { ...ref, phase: 'import', startedAt: at(5) } },
    ] as MigrationEvent[];
    spec
      .given(importing)
      .when({ type: 'fail', reason: 'agent host-b went away', sourceAvailable: true })
      .then([
        {
          type: 'MigrationRollingBack',
          data: { ...ref, phase: 'import', reason: 'agent host-b went away' },
        },
      ])
      .andState((state) => {
        expect(migrationView(state).state).toBe('running');
        expect(rollbackSteps(state)).toEqual(['stop-target', 'start-source', 'release-target']);
      });
    spec
      .given([
        ...importing,
        {
          type: 'MigrationRollingBack',
          data: { ...ref, phase: 'import', reason: 'agent host-b went away' },
        },
      ])
      .when({ type: 'finish-rollback', host: 'host-a' })
      .then([
        {
          type: 'MigrationRolledBack',
          data: { ...ref, host: 'host-a', reason: 'agent host-b went away' },
        },
      ])
      .andState((state) =>
        expect(migrationView(state)).toMatchObject({
          state: 'rolled-back',
          reason: 'agent host-b went away',
        }),
      );
  });

  it('ends failed with the reason when the source is gone', () => {
    spec
      .given(history({ stateful: true }, [['stop-source', 2]]))
      .when({ type: 'fail', reason: 'host host-a is down', sourceAvailable: false })
      .then([
        {
          type: 'MigrationFailed',
          data: { ...ref, phase: 'export', reason: 'host host-a is down' },
        },
      ])
      .andState((state) =>
        expect(migrationView(state)).toMatchObject({
          state: 'failed',
          reason: 'host host-a is down',
        }),
      );
  });

  it('ends failed, both reasons kept, when the rollback itself cannot bring the instance back', () => {
    spec
      .given([
        ...history({ stateful: true }, [['stop-source', 2]]),
        { type: 'MigrationRollingBack', data: { ...ref, phase: 'export', reason: 'disk full' } },
      ])
      .when({ type: 'abandon-rollback', reason: 'host host-a is down' })
      .then([
        {
          type: 'MigrationFailed',
          data: {
            ...ref,
            phase: 'export',
            reason: 'disk full; rollback failed: host host-a is down',
          },
        },
      ]);
  });

  it('undoes only what a make-before-break move began: its target copy and reservation', () => {
    const state = fold([
      ...history({}, [['start-target', 2]]),
      { type: 'MigrationPhaseStarted', data: { ...ref, phase: 'verify', startedAt: at(4) } },
    ]);
    expect(rollbackSteps(state)).toEqual(['stop-target', 'release-target']);
    expect(rollbackSteps(fold(history({}, [])))).toEqual(['release-target']);
  });

  it('refuses a phase once the migration has ended, and takes a second failure as done', () => {
    const failed = [
      ...history({ stateful: true }, []),
      { type: 'MigrationFailed', data: { ...ref, phase: 'stop-source', reason: 'gone' } },
    ] as MigrationEvent[];
    spec
      .given(failed)
      .when({ type: 'begin-phase', phase: 'stop-source', at: at(2) })
      .thenThrows(MigrationCommandRefused);
    spec.given(failed).when({ type: 'fail', reason: 'again', sourceAvailable: true }).thenNothing();
  });
});
