import fc from 'fast-check';
import type { MigrationPhase } from '@federa/contracts';
import { checkDeciderAgainstModel, type DeciderModel, type ModelOutcome } from '@federa/testing';
import {
  MigrationCommandRefused,
  migrationDecider,
  type MigrationCommand,
  type MigrationEvent,
  type MigrationSagaState,
  type SagaStatus,
} from './migration-saga';

/**
 * A migration as docs/adr/migration-saga.md tells it, written without the saga's decider: its
 * status, its plan, the phases begun and ended in order, and the phase a failure stopped at.
 */
interface MigrationModel {
  status: SagaStatus;
  /** The instance it moves (to mph-2, in every run). */
  instance?: string;
  plan: MigrationPhase[];
  begun: MigrationPhase[];
  ended: MigrationPhase[];
  failedPhase?: MigrationPhase;
}

/** The phases in order, by the kind of move (the ADR's three plans). */
function planOf(live: boolean, stateful: boolean): MigrationPhase[] {
  if (live) return ['choose-target', 'live-transfer', 'verify', 'release-source'];
  if (stateful) {
    return [
      'choose-target',
      'stop-source',
      'export',
      'import',
      'start-target',
      'verify',
      'release-source',
    ];
  }
  // Make before break: the target serves before the source stops.
  return ['choose-target', 'start-target', 'verify', 'stop-source', 'release-source'];
}
const allPhases: MigrationPhase[] = [
  'choose-target',
  'stop-source',
  'export',
  'import',
  'start-target',
  'live-transfer',
  'verify',
  'release-source',
];

const refused: ModelOutcome<MigrationModel> = { refused: true };
const to = (model: MigrationModel): ModelOutcome<MigrationModel> => ({ refused: false, model });
const moving = (m: MigrationModel) => m.status === 'pending' || m.status === 'running';
const running = (m: MigrationModel) => m.begun.find((p) => !m.ended.includes(p));
const upNext = (m: MigrationModel) => m.plan.find((p) => !m.begun.includes(p));

function next(m: MigrationModel, c: MigrationCommand): ModelOutcome<MigrationModel> {
  const same = to(m);
  switch (c.type) {
    case 'start':
      if (m.status !== 'none') return c.instance === m.instance ? same : refused;
      if (c.from === c.to) return refused;
      // The target was chosen before the migration is recorded: its first phase has already ended.
      return to({
        status: 'pending',
        instance: c.instance,
        plan: planOf(c.live, c.stateful),
        begun: ['choose-target'],
        ended: ['choose-target'],
      });
    case 'begin-phase':
      if (!moving(m)) return refused;
      if (m.begun.includes(c.phase)) return same;
      if (running(m) !== undefined || upNext(m) !== c.phase) return refused;
      return to({ ...m, status: 'running', begun: [...m.begun, c.phase] });
    case 'complete-phase': {
      if (m.ended.includes(c.phase)) return same;
      if (!moving(m) || !m.begun.includes(c.phase)) return refused;
      const ended = [...m.ended, c.phase];
      const done = m.plan.every((p) => ended.includes(p));
      return to({ ...m, ended, status: done ? 'succeeded' : m.status });
    }
    case 'fail': {
      if (['rolling-back', 'failed', 'rolled-back'].includes(m.status)) return same;
      if (!moving(m)) return refused;
      const phase = running(m) ?? upNext(m) ?? 'release-source';
      // Once the source is released there is nothing to go back to.
      const back = c.sourceAvailable && phase !== 'release-source';
      return to({ ...m, status: back ? 'rolling-back' : 'failed', failedPhase: phase });
    }
    case 'finish-rollback':
      if (m.status === 'rolled-back') return same;
      return m.status === 'rolling-back' ? to({ ...m, status: 'rolled-back' }) : refused;
    case 'abandon-rollback':
      if (m.status === 'failed') return same;
      return m.status === 'rolling-back' ? to({ ...m, status: 'failed' }) : refused;
  }
}

const terminal: ReadonlySet<SagaStatus> = new Set(['succeeded', 'failed', 'rolled-back']);
const model: DeciderModel<MigrationModel, MigrationSagaState, MigrationCommand, MigrationEvent> = {
  initial: () => ({ status: 'none', plan: [], begun: [], ended: [] }),
  next,
  view: (s) => ({
    status: s.status,
    instance: s.instance || undefined,
    plan: s.status === 'none' ? [] : planOf(s.live, s.stateful),
    begun: s.phases.map((p) => p.name),
    ended: s.phases.filter((p) => p.endedAt !== undefined).map((p) => p.name),
    failedPhase: s.failedPhase,
  }),
  isRefusal: (error) => error instanceof MigrationCommandRefused,
  terminal: (m) => terminal.has(m.status),
  invariants: (state, events) => {
    for (const event of events) expect(event.data.migration).toBe('m-1');
    // The phases recorded are a beginning of the plan, in its order, and at most the last one runs.
    const names = state.phases.map((p) => p.name);
    const plan = planOf(state.live, state.stateful);
    if (state.status !== 'none') expect(names).toEqual(plan.slice(0, names.length));
    expect(state.phases.slice(0, -1).every((p) => p.endedAt !== undefined)).toBe(true);
    // A migration succeeds only with every phase of its plan ended, and says so once.
    if (state.status === 'succeeded') expect(names).toEqual(plan);
    const completed = events.filter((e) => e.type === 'MigrationCompleted');
    expect(completed.length).toBeLessThanOrEqual(1);
  },
};

const at = fc.constantFrom('2026-01-01T00:00:01.000Z', '2026-01-01T00:00:05.000Z');
const phase = fc.constantFrom(...allPhases);
const start = fc
  .record({
    live: fc.boolean(),
    stateful: fc.boolean(),
    from: fc.constantFrom('mph-1', 'mph-1', 'mph-1', 'mph-2'),
    instance: fc.constantFrom('i-1', 'i-1', 'i-2'),
  })
  .map((r): MigrationCommand => ({
    type: 'start',
    migration: 'm-1',
    service: 'shop',
    app: 'web',
    to: 'mph-2',
    reason: 'requested',
    chosenFrom: '2026-01-01T00:00:00.000Z',
    chosenAt: '2026-01-01T00:00:00.500Z',
    ...r,
  }));
const command: fc.Arbitrary<MigrationCommand> = fc.oneof(
  start,
  {
    weight: 4,
    arbitrary: fc
      .tuple(phase, at)
      .map(([p, t]): MigrationCommand => ({ type: 'begin-phase', phase: p, at: t })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(phase, at, fc.option(fc.nat(4096), { nil: undefined }))
      .map(([p, t, bytes]): MigrationCommand => ({
        type: 'complete-phase',
        phase: p,
        at: t,
        ...(bytes !== undefined ? { bytes } : {}),
      })),
  },
  fc.boolean().map((sourceAvailable): MigrationCommand => ({
    type: 'fail',
    reason: 'gone',
    sourceAvailable,
  })),
  fc.constant<MigrationCommand>({ type: 'finish-rollback', host: 'mph-1' }),
  fc.constant<MigrationCommand>({ type: 'abandon-rollback', reason: 'source gone' }),
);
/**
 * Most runs start the migration and walk its plan, the rest of the commands mixed in, so that every
 * phase, the success and the rollbacks are reached.
 */
const saga = fc
  .tuple(start, fc.array(command, { maxLength: 30, size: 'max' }), fc.boolean())
  .map(([first, rest, walk]) => {
    if (!walk || first.type !== 'start') return [first, ...rest];
    const steps = planOf(first.live, first.stateful)
      .slice(1)
      .flatMap((p): MigrationCommand[] => [
        { type: 'begin-phase', phase: p, at: '2026-01-01T00:00:01.000Z' },
        { type: 'complete-phase', phase: p, at: '2026-01-01T00:00:02.000Z' },
      ]);
    // The other commands interleaved with the walk.
    const mixed: MigrationCommand[] = [];
    steps.forEach((step, i) => mixed.push(step, ...rest.slice(i * 2, i * 2 + 1)));
    return [first, ...mixed];
  });

describe('the migration saga, against a model of a migration', () => {
  it('agrees with the model after every command, and keeps the stream whole', () => {
    fc.assert(
      fc.property(saga, (commands) => checkDeciderAgainstModel(migrationDecider, model, commands)),
      { numRuns: 200 },
    );
  });
});
