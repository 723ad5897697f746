import type { MigrationPhase } from '@federa/contracts';
import { initialMigrationState, type MigrationSagaState } from './migration-saga';
import {
  cleanupGaveUpReason,
  goesForwardWithoutSource,
  isCleanupPhase,
  keptCopies,
  keptForwardReason,
  keptReason,
  mustConfirmTargetStopped,
  needsTargetAnswer,
  rollbackSteps,
  targetMayHoldTheOnlyCopy,
} from './rollback-steps';

function saga(shape: { live?: boolean; stateful?: boolean }, began: MigrationPhase[]) {
  const state: MigrationSagaState = {
    ...initialMigrationState(),
    status: 'rolling-back',
    migration: 'm-1',
    instance: 'shop-db-a1b2c3',
    from: 'host-a',
    to: 'host-b',
    live: shape.live ?? false,
    stateful: shape.stateful ?? false,
  };
  state.phases = ['choose-target' as const, ...began].map((name) => ({ name, startedAt: 'x' }));
  return state;
}

describe('what a rollback undoes', () => {
  it('makes a live source run its own copy before the target copy goes', () => {
    expect(rollbackSteps(saga({ live: true }, ['live-transfer']))).toEqual([
      'resume-source',
      'stop-target',
      'release-target',
    ]);
    expect(rollbackSteps(saga({ live: true }, ['live-transfer', 'verify']))[0]).toBe(
      'resume-source',
    );
  });

  it('stops the target copy first, then starts the stopped source, in a cold move with data', () => {
    expect(rollbackSteps(saga({ stateful: true }, ['stop-source', 'export', 'import']))).toEqual([
      'stop-target',
      'start-source',
      'release-target',
    ]);
  });

  it('only returns the target room when nothing reached the target', () => {
    expect(rollbackSteps(saga({ stateful: true }, ['stop-source']))).toEqual([
      'start-source',
      'release-target',
    ]);
    expect(rollbackSteps(saga({ live: true }, []))).toEqual(['release-target']);
  });

  it('says the target may hold the only copy once a live transfer began, and never in a cold move', () => {
    expect(targetMayHoldTheOnlyCopy(saga({ live: true }, ['live-transfer']))).toBe(true);
    expect(targetMayHoldTheOnlyCopy(saga({ live: true }, []))).toBe(false);
    expect(
      targetMayHoldTheOnlyCopy(saga({ stateful: true }, ['stop-source', 'export', 'import'])),
    ).toBe(false);
  });
});

describe('what a live move keeps when its source does not run its copy', () => {
  it('keeps the target copy as the instance when the source holds none, whatever the target answers', () => {
    expect(needsTargetAnswer('gone')).toBe(false);
    expect(keptCopies('gone')).toBe('keep-target');
    expect(keptCopies('gone', false)).toBe('keep-target');
  });

  it('keeps the target copy when the source cannot be reached and the target runs the guest', () => {
    expect(needsTargetAnswer('unreachable')).toBe(true);
    expect(keptCopies('unreachable', true)).toBe('keep-target');
  });

  it('touches neither copy when the source host is down and the target does not run it', () => {
    expect(keptCopies('unreachable', false)).toBe('keep-both');
    expect(keptCopies('unreachable', false, false)).toBe('keep-both');
  });

  it('decides nothing yet while the source host is up but its agent does not answer and the target does not run it', () => {
    expect(keptCopies('unreachable', false, true)).toBe('wait');
    expect(keptCopies('unreachable', true, true)).toBe('keep-target');
    expect(keptCopies('gone', false, true)).toBe('keep-target');
  });

  it('says in its reason which copy was kept and why', () => {
    const ends = { from: 'host-a', to: 'host-b' };
    expect(keptReason('keep-target', 'gone', ends, 'no instance vm-1 on this host')).toBe(
      'host-a holds no copy that can run (no instance vm-1 on this host): the copy on host-b is kept as the instance',
    );
    expect(keptReason('keep-both', 'unreachable', ends, 'host host-a is not up')).toBe(
      'host-a cannot be reached (host host-a is not up) and host-b does not run it: neither copy was touched',
    );
  });
});

describe('a cold move with data whose source is gone', () => {
  const ended = (state: MigrationSagaState, ...names: MigrationPhase[]) => {
    state.phases = state.phases.map((p) => (names.includes(p.name) ? { ...p, endedAt: 'y' } : p));
    return state;
  };

  it('goes forward once its export ended: the bucket and the target hold the newest data', () => {
    const exported = () =>
      ended(saga({ stateful: true }, ['stop-source', 'export', 'import']), 'stop-source', 'export');
    expect(goesForwardWithoutSource(exported(), 'import')).toBe(true);
    expect(goesForwardWithoutSource(exported(), 'start-target')).toBe(true);
    expect(goesForwardWithoutSource(exported(), 'verify')).toBe(true);
  });

  it('goes back while its export has not ended, and never for a live move or one without data', () => {
    const exporting = ended(saga({ stateful: true }, ['stop-source', 'export']), 'stop-source');
    expect(goesForwardWithoutSource(exporting, 'export')).toBe(false);
    const live = ended(saga({ live: true, stateful: true }, ['live-transfer']), 'live-transfer');
    expect(goesForwardWithoutSource(live, 'verify')).toBe(false);
    expect(goesForwardWithoutSource(saga({}, ['start-target']), 'start-target')).toBe(false);
  });

  it('says which copy was kept', () => {
    expect(keptForwardReason('start-target: boom', { from: 'host-a', to: 'host-b' })).toBe(
      'start-target: boom; host-a is not available: the copy of its newest data on host-b is kept as the instance',
    );
  });
});

describe('starting the source again in a rollback', () => {
  it('waits for the target copy to be stopped in a cold move with data that stopped its source', () => {
    expect(mustConfirmTargetStopped(saga({ stateful: true }, ['stop-source', 'export']))).toBe(
      true,
    );
  });

  it('does not wait where the source never stopped or moves live', () => {
    expect(mustConfirmTargetStopped(saga({}, ['start-target']))).toBe(false);
    expect(mustConfirmTargetStopped(saga({ live: true, stateful: true }, ['live-transfer']))).toBe(
      false,
    );
  });
});

describe('phases after verify', () => {
  it('are stop-source in a move without data and release-source in every move', () => {
    expect(isCleanupPhase(saga({}, []), 'stop-source')).toBe(true);
    expect(isCleanupPhase(saga({}, []), 'release-source')).toBe(true);
    expect(isCleanupPhase(saga({ live: true }, []), 'release-source')).toBe(true);
    expect(isCleanupPhase(saga({}, []), 'start-target')).toBe(false);
  });

  it('do not include the stop of a cold move with data, which comes first and is rolled back', () => {
    expect(isCleanupPhase(saga({ stateful: true }, []), 'stop-source')).toBe(false);
    expect(isCleanupPhase(saga({ stateful: true }, []), 'release-source')).toBe(true);
  });

  it('say, when they give up, where the instance runs and what is left on its source', () => {
    const ends = { from: 'host-a', to: 'host-b' };
    expect(cleanupGaveUpReason('stop-source', 'stop-source: host host-a is not up', ends)).toBe(
      "stop-source: host host-a is not up; the instance runs on host-b: its copy on host-a is stopped by fencing once host-a's agent is back",
    );
    expect(cleanupGaveUpReason('release-source', 'release-source: gone', ends)).toBe(
      'release-source: gone; the instance runs on host-b: only its stopped copy on host-a was not removed',
    );
  });
});
