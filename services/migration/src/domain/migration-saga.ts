import type { EventUnion, MigrationPhase, MigrationReason } from '@federa/contracts';
import { ErrorCodes, FederaError } from '@federa/contracts';
import type { Decider } from '@federa/eventstore';
import { migrationPlan } from './migration-plan';

/** The event types of a `migration-<id>` stream. */
export const MigrationEventTypes = [
  'MigrationStarted',
  'MigrationPhaseStarted',
  'MigrationPhaseCompleted',
  'MigrationCompleted',
  'MigrationFailed',
  'MigrationRollingBack',
  'MigrationRolledBack',
] as const;
export type MigrationEvent = EventUnion<(typeof MigrationEventTypes)[number]>;

const names: ReadonlySet<string> = new Set(MigrationEventTypes);
export function isMigrationEvent(event: { type: string; data: unknown }): event is MigrationEvent {
  return names.has(event.type);
}

/** One phase as the migration recorded it; `endedAt` absent while it runs. */
export interface PhaseRecord {
  name: MigrationPhase;
  startedAt: string;
  endedAt?: string;
  bytes?: number;
  /** What the layer measured during a live transfer. */
  downtimeMs?: number;
}

/** Where a migration is; `rolling-back` reads as `running` outside (MigrationStates). */
export type SagaStatus =
  'none' | 'pending' | 'running' | 'rolling-back' | 'succeeded' | 'failed' | 'rolled-back';

export interface MigrationSagaState {
  status: SagaStatus;
  migration: string;
  instance: string;
  service: string;
  app: string;
  from: string;
  to: string;
  live: boolean;
  stateful: boolean;
  phases: PhaseRecord[];
  /** Why it failed (or was rolled back). */
  reason?: string;
  /** The phase that failed. */
  failedPhase?: MigrationPhase;
  /** Set once succeeded. */
  downtimeMs?: number;
  bytesCopied?: number;
  /** Where the instance runs again after a rollback. */
  rolledBackTo?: string;
}

export type MigrationCommand =
  /** Record the migration, its target already chosen (`choose-target` ran from `chosenFrom` to `chosenAt`). */
  | {
      type: 'start';
      migration: string;
      instance: string;
      service: string;
      app: string;
      from: string;
      to: string;
      live: boolean;
      stateful: boolean;
      reason: MigrationReason;
      chosenFrom: string;
      chosenAt: string;
    }
  /** The next phase of the plan begins. */
  | { type: 'begin-phase'; phase: MigrationPhase; at: string }
  /**
   * The running phase ended; the last one completes the migration. `downtimeMs`: what the layer measured
   * during a live transfer (a cold move's downtime is computed from its phases).
   */
  | {
      type: 'complete-phase';
      phase: MigrationPhase;
      at: string;
      bytes?: number;
      downtimeMs?: number;
    }
  /** The running (or next) phase failed; `sourceAvailable`: the source host can run the instance again. */
  | { type: 'fail'; reason: string; sourceAvailable: boolean }
  /** The rollback is done: the instance runs on `host` (its source). */
  | { type: 'finish-rollback'; host: string }
  /** The rollback could not bring the instance back (its source went away meanwhile). */
  | { type: 'abandon-rollback'; reason: string };

/** The command does not fit the migration as its stream has it; retrying it unchanged is refused again. */
export class MigrationCommandRefused extends FederaError {
  constructor(command: string, state: MigrationSagaState, why: string) {
    super(
      ErrorCodes.conflict,
      `migration ${state.migration || '(new)'} is ${state.status}: ${command} refused, ${why}`,
    );
    this.name = 'MigrationCommandRefused';
  }
}

export function initialMigrationState(): MigrationSagaState {
  return {
    status: 'none',
    migration: '',
    instance: '',
    service: '',
    app: '',
    from: '',
    to: '',
    live: false,
    stateful: false,
    phases: [],
  };
}

/** The phase that runs now (started, not ended), if any. */
export function runningPhase(state: MigrationSagaState): PhaseRecord | undefined {
  const last = state.phases.at(-1);
  return last && last.endedAt === undefined ? last : undefined;
}

/** The phase of the plan that comes next, or undefined when every phase ended. */
export function nextPhase(state: MigrationSagaState): MigrationPhase | undefined {
  const plan = migrationPlan(state);
  return plan.find((phase) => !state.phases.some((p) => p.name === phase));
}

function phaseRecord(state: MigrationSagaState, phase: MigrationPhase): PhaseRecord | undefined {
  return state.phases.find((p) => p.name === phase);
}

const active = (s: MigrationSagaState) => s.status === 'pending' || s.status === 'running';

export function decideMigration(
  command: MigrationCommand,
  state: MigrationSagaState,
): MigrationEvent[] {
  const refuse = (why: string) => new MigrationCommandRefused(command.type, state, why);
  const ref = { migration: state.migration, instance: state.instance };
  switch (command.type) {
    case 'start': {
      if (state.status !== 'none') {
        if (state.instance === command.instance && state.to === command.to) return [];
        throw refuse('the migration already exists');
      }
      if (command.from === command.to) throw refuse(`the instance already runs on ${command.to}`);
      const ref = { migration: command.migration, instance: command.instance };
      return [
        {
          type: 'MigrationStarted',
          data: {
            ...ref,
            service: command.service,
            app: command.app,
            from: command.from,
            to: command.to,
            live: command.live,
            reason: command.reason,
            stateful: command.stateful,
          },
        },
        {
          type: 'MigrationPhaseCompleted',
          data: {
            ...ref,
            phase: 'choose-target',
            startedAt: command.chosenFrom,
            endedAt: command.chosenAt,
          },
        },
      ];
    }
    case 'begin-phase': {
      if (!active(state)) throw refuse('it is not moving anything');
      const running = runningPhase(state);
      if (running?.name === command.phase) return [];
      if (phaseRecord(state, command.phase)) return [];
      if (running) throw refuse(`${running.name} has not ended`);
      const next = nextPhase(state);
      if (next !== command.phase) {
        throw refuse(`the next phase is ${next ?? 'none'}, not ${command.phase}`);
      }
      return [
        {
          type: 'MigrationPhaseStarted',
          data: { ...ref, phase: command.phase, startedAt: command.at },
        },
      ];
    }
    case 'complete-phase': {
      const done = phaseRecord(state, command.phase);
      if (done?.endedAt !== undefined) return [];
      if (!active(state) || done === undefined) throw refuse(`${command.phase} has not begun`);
      const completed: MigrationEvent = {
        type: 'MigrationPhaseCompleted',
        data: {
          ...ref,
          phase: command.phase,
          startedAt: done.startedAt,
          endedAt: command.at,
          ...(command.bytes !== undefined ? { bytes: command.bytes } : {}),
          ...(command.downtimeMs !== undefined ? { downtimeMs: command.downtimeMs } : {}),
        },
      };
      const after = evolveMigration(state, completed);
      if (nextPhase(after) !== undefined) return [completed];
      return [
        completed,
        {
          type: 'MigrationCompleted',
          data: {
            ...ref,
            from: state.from,
            to: state.to,
            downtimeMs: downtimeOf(after),
            bytesCopied: bytesCopiedOf(after),
          },
        },
      ];
    }
    case 'fail': {
      if (
        state.status === 'rolling-back' ||
        state.status === 'failed' ||
        state.status === 'rolled-back'
      ) {
        return [];
      }
      if (!active(state)) throw refuse('it is not moving anything');
      const phase = runningPhase(state)?.name ?? nextPhase(state) ?? 'release-source';
      // Once the source is released the instance runs on its target: there is nothing to go back to.
      if (command.sourceAvailable && phase !== 'release-source') {
        return [{ type: 'MigrationRollingBack', data: { ...ref, phase, reason: command.reason } }];
      }
      return [{ type: 'MigrationFailed', data: { ...ref, phase, reason: command.reason } }];
    }
    case 'finish-rollback':
      if (state.status === 'rolled-back') return [];
      if (state.status !== 'rolling-back') throw refuse('it is not rolling back');
      return [
        {
          type: 'MigrationRolledBack',
          data: { ...ref, host: command.host, reason: state.reason ?? 'failed' },
        },
      ];
    case 'abandon-rollback':
      if (state.status === 'failed') return [];
      if (state.status !== 'rolling-back') throw refuse('it is not rolling back');
      return [
        {
          type: 'MigrationFailed',
          data: {
            ...ref,
            phase: state.failedPhase ?? 'choose-target',
            reason: `${state.reason ?? 'failed'}; rollback failed: ${command.reason}`,
          },
        },
      ];
  }
}

/**
 * How long no copy answered: a cold move with data is down from the moment its source begins to stop
 * until its target is verified; make before break keeps a copy answering throughout (0); a live
 * move's is what the layer measured.
 */
export function downtimeOf(state: MigrationSagaState): number {
  if (state.live)
    return Math.max(0, Math.round(phaseRecord(state, 'live-transfer')?.downtimeMs ?? 0));
  const plan = migrationPlan(state);
  if (plan.indexOf('stop-source') > plan.indexOf('verify')) return 0;
  const stop = phaseRecord(state, 'stop-source')?.startedAt;
  const verified = phaseRecord(state, 'verify')?.endedAt;
  if (!stop || !verified) return 0;
  return Math.max(0, Date.parse(verified) - Date.parse(stop));
}

/** Bytes the export (or the live transfer) moved. */
export function bytesCopiedOf(state: MigrationSagaState): number {
  return phaseRecord(state, 'export')?.bytes ?? phaseRecord(state, 'live-transfer')?.bytes ?? 0;
}

export function evolveMigration(
  state: MigrationSagaState,
  event: MigrationEvent,
): MigrationSagaState {
  switch (event.type) {
    case 'MigrationStarted': {
      const d = event.data;
      return {
        ...state,
        status: 'pending',
        migration: d.migration,
        instance: d.instance,
        service: d.service,
        app: d.app,
        from: d.from,
        to: d.to,
        live: d.live,
        stateful: d.stateful ?? false,
      };
    }
    case 'MigrationPhaseStarted':
      return {
        ...state,
        status: state.status === 'pending' ? 'running' : state.status,
        phases: [...state.phases, { name: event.data.phase, startedAt: event.data.startedAt }],
      };
    case 'MigrationPhaseCompleted': {
      const d = event.data;
      const record: PhaseRecord = {
        name: d.phase,
        startedAt: d.startedAt,
        endedAt: d.endedAt,
        ...(d.bytes !== undefined ? { bytes: d.bytes } : {}),
        ...(d.downtimeMs !== undefined ? { downtimeMs: d.downtimeMs } : {}),
      };
      const at = state.phases.findIndex((p) => p.name === d.phase);
      const phases =
        at < 0 ? [...state.phases, record] : state.phases.map((p, i) => (i === at ? record : p));
      return { ...state, phases };
    }
    case 'MigrationCompleted':
      return {
        ...state,
        status: 'succeeded',
        downtimeMs: event.data.downtimeMs,
        bytesCopied: event.data.bytesCopied ?? bytesCopiedOf(state),
      };
    case 'MigrationRollingBack':
      return {
        ...state,
        status: 'rolling-back',
        reason: event.data.reason,
        failedPhase: event.data.phase,
      };
    case 'MigrationRolledBack':
      return { ...state, status: 'rolled-back', rolledBackTo: event.data.host };
    case 'MigrationFailed':
      return {
        ...state,
        status: 'failed',
        reason: event.data.reason,
        failedPhase: event.data.phase,
      };
  }
}

/** The one decider of `migration-<id>` streams. */
export const migrationDecider: Decider<MigrationSagaState, MigrationCommand, MigrationEvent> = {
  initialState: initialMigrationState,
  evolve: evolveMigration,
  decide: decideMigration,
};
