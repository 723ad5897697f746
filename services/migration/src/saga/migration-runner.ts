import { streamIds, type MigrationPhase } from '@federa/contracts';
import { handleCommand, type EventStore } from '@federa/eventstore';
import { instanceDecider, type InstanceCommand } from '@federa/instance-lifecycle';
import { backoffDelayMs } from '@federa/runtime/backoff';
import {
  migrationDecider,
  nextPhase,
  runningPhase,
  type MigrationCommand,
  type MigrationSagaState,
} from '../domain/migration-saga';
import { rollbackSteps } from '../domain/rollback-steps';
import type { MigrationEnds, MigrationLedger, MovingInstance } from './migration-ends';

/** What a phase produced, recorded with its end. */
interface PhaseOutcome {
  bytes?: number;
  downtimeMs?: number;
}

export interface MigrationRunnerOptions {
  /** Who the events name as their actor; @default 'migration' */
  actor?: string;
  /** Attempts at a clean-up phase after the target was verified before giving up; @default 5 */
  cleanupAttempts?: number;
  /** @default Date.now */
  now?: () => number;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string) => void;
}

/** Between attempts at a clean-up phase: up to 0.5 s, then 1 s, 2 s, … at most 10 s. */
const cleanupBackoff = { baseMs: 500, maxMs: 10_000 };

/** Phases that run once the instance answers on its target: retried, never rolled back. */
const afterVerify: ReadonlySet<MigrationPhase> = new Set(['stop-source', 'release-source']);

/**
 * Drives one migration's saga to its end: each phase is begun in the `migration-<id>` stream, done
 * through the agents, and ended there with its time, so that another replica (or this one after a
 * restart) resumes from the stream alone. The instance's own stream goes through the instance
 * decider: `begin-migration` before the first phase (supervision then leaves it alone) and
 * `complete-migration` once the target is verified (or, rolling back, with its source as host).
 */
export class MigrationRunner {
  private readonly actor: string;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: (message: string) => void;

  constructor(
    private readonly store: EventStore,
    private readonly ends: MigrationEnds,
    private readonly ledger: MigrationLedger,
    private readonly options: MigrationRunnerOptions = {},
  ) {
    this.actor = options.actor ?? 'migration';
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.log = options.log ?? (() => undefined);
  }

  /** Runs the migration until it succeeded, was rolled back or failed; answers its last state. */
  async run(migration: string): Promise<MigrationSagaState> {
    let cleanupFailures = 0;
    for (;;) {
      const state = await this.state(migration);
      if (state.status === 'none') throw new Error(`no migration ${migration}`);
      if (state.status === 'rolling-back') return this.rollBack(state);
      if (state.status !== 'pending' && state.status !== 'running') return state;
      const phase = runningPhase(state)?.name ?? nextPhase(state);
      if (!phase) return state;
      const move = movingOf(state);
      if (state.status === 'pending')
        await this.instance(move, { type: 'begin-migration', migration, to: move.to });
      await this.saga(migration, { type: 'begin-phase', phase, at: this.iso() });
      let outcome: PhaseOutcome;
      try {
        outcome = await this.perform(phase, state, move);
      } catch (error) {
        const reason = `${phase}: ${messageOf(error)}`;
        if (afterVerify.has(phase)) {
          cleanupFailures += 1;
          this.log(`migration ${migration}: ${reason} (attempt ${cleanupFailures})`);
          if (cleanupFailures < (this.options.cleanupAttempts ?? 5)) {
            await this.sleep(backoffDelayMs(cleanupFailures - 1, cleanupBackoff));
            continue;
          }
          // The instance already runs on its target: there is nothing to go back to.
          await this.saga(migration, { type: 'fail', reason, sourceAvailable: false });
          continue;
        }
        const sourceAvailable = await this.ends.hostAvailable(move.from).catch(() => false);
        await this.saga(migration, { type: 'fail', reason, sourceAvailable });
        if (!sourceAvailable) await this.ends.stopTarget(move).catch(() => undefined);
        continue;
      }
      await this.saga(migration, { type: 'complete-phase', phase, at: this.iso(), ...outcome });
      // Verified on its target: the log moves the instance there, and supervision follows it.
      if (phase === 'verify') {
        await this.instance(move, { type: 'complete-migration', migration, host: move.to });
      }
    }
  }

  private async perform(
    phase: MigrationPhase,
    state: MigrationSagaState,
    move: MovingInstance,
  ): Promise<PhaseOutcome> {
    switch (phase) {
      case 'choose-target':
        return {};
      case 'live-transfer':
        return this.ends.liveTransfer(move);
      case 'stop-source':
        await this.ends.stopSource(move);
        return {};
      case 'export': {
        const { bytes } = await this.ends.exportData(move);
        return { bytes };
      }
      case 'import':
        await this.ends.importData(move, dataKey(move));
        return { bytes: state.phases.find((p) => p.name === 'export')?.bytes };
      case 'start-target':
        await this.ends.startTarget(move);
        return {};
      case 'verify':
        await this.ends.awaitHealthy(move, move.to);
        return {};
      case 'release-source':
        await this.ledger.release(move, move.from);
        return {};
    }
  }

  /** Undoes what the phases began, then records the instance on its source again. */
  private async rollBack(state: MigrationSagaState): Promise<MigrationSagaState> {
    const move = movingOf(state);
    try {
      for (const step of rollbackSteps(state)) {
        if (step === 'start-source') {
          await this.ends.startSource(move);
          continue;
        }
        // A target that does not answer (often why the move failed) cannot be cleaned now; once the
        // instance is back on its source, supervision fences any copy that target still holds.
        const cleaned =
          step === 'stop-target' ? this.ends.stopTarget(move) : this.ledger.release(move, move.to);
        await cleaned.catch((error: unknown) =>
          this.log(`migration ${move.migration}: ${step} on ${move.to}: ${messageOf(error)}`),
        );
      }
      await this.ends.awaitHealthy(move, move.from);
      await this.instance(move, {
        type: 'complete-migration',
        migration: move.migration,
        host: move.from,
      });
      return (await this.saga(move.migration, { type: 'finish-rollback', host: move.from }))
        .newState;
    } catch (error) {
      return (
        await this.saga(move.migration, { type: 'abandon-rollback', reason: messageOf(error) })
      ).newState;
    }
  }

  private async state(migration: string): Promise<MigrationSagaState> {
    const { events } = await this.store.readStream(streamIds.migration(migration));
    let state = migrationDecider.initialState();
    for (const event of events) {
      state = migrationDecider.evolve(
        state,
        event as Parameters<typeof migrationDecider.evolve>[1],
      );
    }
    return state;
  }

  private saga(migration: string, command: MigrationCommand) {
    return handleCommand(this.store, streamIds.migration(migration), migrationDecider, command, {
      metadata: { actor: this.actor, correlationId: migration },
    });
  }

  private async instance(move: MovingInstance, command: InstanceCommand): Promise<void> {
    await handleCommand(this.store, streamIds.instance(move.instance), instanceDecider, command, {
      metadata: { actor: this.actor, correlationId: move.migration, causationId: move.migration },
    });
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

/** The data bucket key one migration's copy travels under. */
export function dataKey(move: Pick<MovingInstance, 'migration' | 'instance'>): string {
  return `${move.instance}/${move.migration}`;
}

function movingOf(state: MigrationSagaState): MovingInstance {
  const { migration, instance, service, app, from, to } = state;
  return { migration, instance, service, app, from, to };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
