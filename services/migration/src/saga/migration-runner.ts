import { streamIds, type DecisionMetadata, type MigrationPhase } from '@federa/contracts';
import { foldEvents, handleCommand, type EventStore } from '@federa/eventstore';
import {
  instanceDecider,
  InstanceCommandRefused,
  type InstanceCommand,
  type InstanceEvent,
} from '@federa/instance-lifecycle';
import { backoffDelayMs } from '@federa/runtime/backoff';
import { randomBytes } from 'node:crypto';
import { nextPhase, runningPhase, type MigrationSagaState } from '../domain/migration-saga';
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
  type SourceCopy,
} from '../domain/rollback-steps';
import type { MigrationEnds, MigrationLedger, MovingInstance } from './migration-ends';
import { SagaTakenOver, soleOwnership, type SagaOwnership } from './saga-ownership';
import { SagaStream } from './saga-stream';

/** What a phase produced, recorded with its end. */
interface PhaseOutcome {
  bytes?: number;
  downtimeMs?: number;
}

export interface MigrationRunnerOptions {
  /** Who decides the events (`decidedBy`, and the actor when nobody asked); @default 'migration' */
  actor?: string;
  /** Attempts at a clean-up phase after the target was verified before giving up; @default 5 */
  cleanupAttempts?: number;
  /** @default Date.now */
  now?: () => number;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string) => void;
  /** The owner leases of sagas; @default soleOwnership (this runner is the only one) */
  ownership?: SagaOwnership;
}

export interface RunOptions {
  /**
   * The saga was taken over from an owner that fell silent: its commands get ids of their own, so
   * that a command the dead owner sent (executed once by its agent, its outcome reported once, to
   * it) is sent afresh rather than waited for. Every such command is safe to execute again.
   */
  adopted?: boolean;
}

/** Between attempts at a clean-up phase: up to 0.5 s, then 1 s, 2 s, … at most 10 s. */
const cleanupBackoff = { baseMs: 500, maxMs: 10_000 };

/**
 * Drives one migration's saga to its end: each phase is begun in the `migration-<id>` stream, done
 * through the agents, and ended there with its time, so that another replica (or this one after a
 * restart) resumes from the stream alone. The instance's own stream goes through the instance
 * decider: `begin-migration` before the first phase (supervision then leaves it alone), then
 * `complete-migration` once the target is verified, or `abort-migration` once rolled back.
 *
 * The caller holds the saga's owner lease; the runner checks it before every append and agent
 * command, appends at the version it read, and stops (lease given back) once either says the saga
 * is another runner's.
 */
export class MigrationRunner {
  private readonly actor: string;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: (message: string) => void;
  private readonly ownership: SagaOwnership;
  /** The metadata of each running saga's events, for the instance events it appends too. */
  private readonly causes = new Map<string, DecisionMetadata>();

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
    this.ownership = options.ownership ?? soleOwnership;
  }

  /**
   * Runs the migration until it succeeded, was rolled back or failed, and answers its last state;
   * stops early (answering the state it saw) when the saga turns out to be another runner's. Gives
   * the saga's owner lease back either way.
   */
  async run(migration: string, options: RunOptions = {}): Promise<MigrationSagaState> {
    let stream: SagaStream | undefined;
    try {
      // Inside the try: a failed read gives the lease back too, for another sweep to take it over.
      stream = await SagaStream.open(this.store, migration, this.actor);
      this.causes.set(migration, stream.metadata);
      if (stream.state.status === 'none') throw new Error(`no migration ${migration}`);
      const attempt = options.adopted ? freshAttempt() : undefined;
      return await this.drive(stream, attempt);
    } catch (error) {
      if (!(error instanceof SagaTakenOver) || !stream) throw error;
      this.log(error.message);
      return stream.state;
    } finally {
      this.causes.delete(migration);
      await this.ownership.release(migration).catch(() => undefined);
    }
  }

  private async drive(stream: SagaStream, attempt: string | undefined) {
    const migration = stream.migration;
    let cleanupFailures = 0;
    let forwardFailures = 0;
    for (;;) {
      const state = stream.state;
      if (state.status === 'rolling-back') return this.ended(await this.rollBack(stream, attempt));
      if (state.status !== 'pending' && state.status !== 'running') return this.ended(state);
      const phase = runningPhase(state)?.name ?? nextPhase(state);
      if (!phase) return state;
      const move = movingOf(state, attempt);
      await this.guard(migration);
      if (state.status === 'pending') {
        const refused = await this.instance(move, {
          type: 'begin-migration',
          migration,
          to: move.to,
          // Without data the target starts before the source stops; live, the VM runs throughout.
          ...(state.live || !state.stateful ? { servesWhileMoving: true } : {}),
        }).then(
          () => undefined,
          (error: unknown) => {
            if (error instanceof InstanceCommandRefused) return error;
            throw error;
          },
        );
        // The instance stopped (or moved) since the migration was recorded: nothing was touched.
        if (refused) {
          await stream.decide({ type: 'fail', reason: refused.message, sourceAvailable: false });
          continue;
        }
      } else if (!verified(state)) {
        // Stopped, failed or replaced under the saga: going on would move a copy the log no longer has.
        const left = await this.notMovingUnder(move);
        if (left) {
          await stream.decide({ type: 'fail', reason: left, sourceAvailable: false });
          continue;
        }
      }
      // Verified by an owner that stopped before the log moved the instance: move it first.
      if (verified(state)) await this.completeInstance(move, move.to);
      await stream.decide({ type: 'begin-phase', phase, at: this.iso() });
      let outcome: PhaseOutcome;
      try {
        await this.guard(migration);
        outcome = await this.perform(phase, state, move);
      } catch (error) {
        if (error instanceof SagaTakenOver) throw error;
        const reason = `${phase}: ${messageOf(error)}`;
        if (isCleanupPhase(state, phase)) {
          cleanupFailures += 1;
          this.log(`migration ${migration}: ${reason} (attempt ${cleanupFailures})`);
          if (cleanupFailures < (this.options.cleanupAttempts ?? 5)) {
            await this.sleep(backoffDelayMs(cleanupFailures - 1, cleanupBackoff));
            continue;
          }
          // The instance already runs on its target: there is nothing to go back to.
          await stream.decide({
            type: 'fail',
            reason: cleanupGaveUpReason(phase, reason, move),
            sourceAvailable: false,
          });
          continue;
        }
        const sourceAvailable = await this.ends.hostAvailable(move.from).catch(() => false);
        // The newest data is in the bucket or on the target: it is never destroyed for an older copy.
        if (!sourceAvailable && goesForwardWithoutSource(stream.state, phase)) {
          forwardFailures += 1;
          this.log(`migration ${migration}: ${reason}, source gone (attempt ${forwardFailures})`);
          if (forwardFailures < (this.options.cleanupAttempts ?? 5)) {
            await this.sleep(backoffDelayMs(forwardFailures - 1, cleanupBackoff));
            // Its commands go out afresh: an agent reports a command's outcome once.
            attempt = freshAttempt();
            continue;
          }
          await this.guard(migration);
          await this.keepOnTarget(move);
          await stream.decide({
            type: 'fail',
            reason: keptForwardReason(reason, move),
            sourceAvailable: false,
          });
          continue;
        }
        // The target may run the only copy: it is not stopped on the word of a host list.
        if (!sourceAvailable && targetMayHoldTheOnlyCopy(stream.state)) {
          await this.keepWhatRuns(stream, move, reason, {
            copy: 'unreachable',
            why: `${move.from} is not available`,
          });
          continue;
        }
        await stream.decide({ type: 'fail', reason, sourceAvailable });
        if (!sourceAvailable) await this.ends.stopTarget(move).catch(() => undefined);
        continue;
      }
      await stream.decide({ type: 'complete-phase', phase, at: this.iso(), ...outcome });
      // Verified on its target: the log moves the instance there, and supervision follows it.
      if (phase === 'verify') await this.completeInstance(move, move.to);
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
        // A live transfer is not safe to begin twice (the source may be gone): a new owner only
        // checks whether its predecessor's ended with the instance answering on the target.
        if (move.attempt && runningPhase(state)?.name === 'live-transfer') {
          await this.ends.awaitHealthy(move, move.to);
          return {};
        }
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
  private async rollBack(
    stream: SagaStream,
    attempt: string | undefined,
  ): Promise<MigrationSagaState> {
    const move = movingOf(stream.state, attempt);
    try {
      for (const step of rollbackSteps(stream.state)) {
        await this.guard(move.migration);
        if (step === 'resume-source') {
          const kept = await this.resumeSourceOrKeep(stream, move);
          if (kept) return kept;
          continue;
        }
        if (step === 'start-source') {
          await this.ends.startSource(move);
          continue;
        }
        if (step === 'stop-target' && mustConfirmTargetStopped(stream.state)) {
          await this.stopTargetOrSeeItDown(move);
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
      await this.guard(move.migration);
      await this.instance(move, {
        type: 'abort-migration',
        migration: move.migration,
        reason: stream.state.reason ?? 'failed',
      });
      return await stream.decide({ type: 'finish-rollback', host: move.from });
    } catch (error) {
      if (error instanceof SagaTakenOver) throw error;
      return stream.decide({ type: 'abandon-rollback', reason: messageOf(error) });
    }
  }

  /**
   * Ends a live move whose source does not run its copy without destroying any copy: the target's is
   * recorded as the instance where it is the one left (supervision then looks after it there, and
   * fencing stops whatever the source holds once its agent is back), and the migration ends failed
   * saying which copy was kept. `reason`: the failure's, when the saga is not rolling back yet.
   */
  private async keepWhatRuns(
    stream: SagaStream,
    move: MovingInstance,
    reason: string,
    source: { copy: Exclude<SourceCopy, 'runs'>; why: string },
  ): Promise<MigrationSagaState>;
  private async keepWhatRuns(
    stream: SagaStream,
    move: MovingInstance,
    reason: string,
    source: { copy: Exclude<SourceCopy, 'runs'>; why: string },
    options: { waitWhileSourceUp: true },
  ): Promise<MigrationSagaState | undefined>;
  private async keepWhatRuns(
    stream: SagaStream,
    move: MovingInstance,
    reason: string,
    source: { copy: Exclude<SourceCopy, 'runs'>; why: string },
    options: { waitWhileSourceUp?: boolean } = {},
  ): Promise<MigrationSagaState | undefined> {
    const targetRuns = needsTargetAnswer(source.copy)
      ? await this.ends.awaitHealthy(move, move.to).then(
          () => true,
          () => false,
        )
      : undefined;
    const sourceHostUp =
      options.waitWhileSourceUp === true &&
      (await this.ends.hostAvailable(move.from).catch(() => false));
    const course = keptCopies(source.copy, targetRuns, sourceHostUp);
    if (course === 'wait') return undefined;
    const kept = keptReason(course, source.copy, move, source.why);
    this.log(`migration ${move.migration}: ${kept}`);
    await this.guard(move.migration);
    if (course === 'keep-target') await this.keepOnTarget(move);
    if (stream.state.status === 'rolling-back') {
      return stream.decide({ type: 'abandon-rollback', reason: kept });
    }
    return stream.decide({ type: 'fail', reason: `${reason}; ${kept}`, sourceAvailable: false });
  }

  /**
   * Asks the source to run its copy again until it does (undefined: the rollback goes on), or until
   * what is kept is decided (the saga's end). While the source's host is up but its agent does not
   * answer and the target does not run the guest, nothing is decided: the agent may still be busy
   * with the migrate-out, after which one of the two ends runs it. Each ask goes out afresh.
   */
  private async resumeSourceOrKeep(
    stream: SagaStream,
    move: MovingInstance,
  ): Promise<MigrationSagaState | undefined> {
    for (let asked = 0; ; asked += 1) {
      const asking = asked === 0 ? move : { ...move, attempt: freshAttempt() };
      const source = await this.ends
        .resumeSource(asking)
        .catch((error: unknown) => ({ copy: 'unreachable', why: messageOf(error) }) as const);
      if (source.copy === 'runs') return undefined;
      const kept = await this.keepWhatRuns(stream, asking, '', source, { waitWhileSourceUp: true });
      if (kept) return kept;
      this.log(
        `migration ${move.migration}: neither ${move.from} nor ${move.to} is known to run it (${source.why}): asking again`,
      );
      await this.sleep(backoffDelayMs(asked, cleanupBackoff));
      await this.guard(move.migration);
    }
  }

  /**
   * Stops the target's copy before the source starts again, asking until its agent confirms or the
   * log has its host down (its epoch fenced: its agent can no longer act on the instance's behalf
   * once it comes back, and fencing stops the copy). Each ask goes out afresh.
   */
  private async stopTargetOrSeeItDown(move: MovingInstance): Promise<void> {
    for (let asked = 0; ; asked += 1) {
      const asking = asked === 0 ? move : { ...move, attempt: freshAttempt() };
      try {
        await this.ends.stopTarget(asking);
        return;
      } catch (error) {
        if (!(await this.ends.hostAvailable(move.to).catch(() => true))) {
          this.log(`migration ${move.migration}: ${move.to} is down: its copy is left to fencing`);
          return;
        }
        this.log(
          `migration ${move.migration}: stop-target on ${move.to}: ${messageOf(error)}: the source starts only once it stopped`,
        );
      }
      await this.sleep(backoffDelayMs(asked, cleanupBackoff));
      await this.guard(move.migration);
    }
  }

  /** Records the instance on the target whose copy is kept as its only one (not seen healthy there). */
  private async keepOnTarget(move: MovingInstance): Promise<void> {
    if (!(await this.stillMoving(move))) return;
    await this.instance(move, {
      type: 'complete-migration',
      migration: move.migration,
      host: move.to,
    });
  }

  /**
   * A migration that ended failed with the instance not moved leaves it on its source in the log
   * (`abort-migration`), so that supervision looks after it again as after any other failure there
   * (a source host that is down has it replaced; a copy that comes back is adopted or fenced)
   * instead of leaving it `migrating` with no migration running.
   */
  private async ended(state: MigrationSagaState): Promise<MigrationSagaState> {
    if (state.status !== 'failed') return state;
    const move = movingOf(state, undefined);
    if (!(await this.stillMoving(move))) return state;
    await this.guard(move.migration);
    await this.instance(move, {
      type: 'abort-migration',
      migration: move.migration,
      reason: state.reason ?? 'failed',
    });
    return state;
  }

  /** Why the log no longer has the instance moving under this migration, or undefined while it does. */
  private async notMovingUnder(move: MovingInstance): Promise<string | undefined> {
    if (await this.stillMoving(move)) return undefined;
    const { events } = await this.store.readStream(streamIds.instance(move.instance));
    const life = foldEvents(
      instanceDecider,
      events.map((e) => ({ type: e.type, data: e.data }) as InstanceEvent),
    );
    return `${move.instance} is no longer moving under this migration (it is ${life.status}${life.host ? ` on ${life.host}` : ''}): nothing more is done`;
  }

  /** Whether the log still has the instance moving under this migration. */
  private async stillMoving(move: MovingInstance): Promise<boolean> {
    const { events } = await this.store.readStream(streamIds.instance(move.instance));
    const life = foldEvents(
      instanceDecider,
      events.map((e) => ({ type: e.type, data: e.data }) as InstanceEvent),
    );
    return life.status === 'migrating' && life.migration?.id === move.migration;
  }

  /** Throws SagaTakenOver once this replica no longer holds the saga's owner lease. */
  private async guard(migration: string): Promise<void> {
    if (!(await this.ownership.owns(migration).catch(() => false))) {
      throw new SagaTakenOver(migration, 'its owner lease was lost');
    }
  }

  /**
   * Records the instance on `host` as this migration's end, unless the log already has it there
   * (an owner that stopped after doing so): the instance decider refuses to complete a migration
   * that is no longer moving it.
   */
  private async completeInstance(move: MovingInstance, host: string): Promise<void> {
    const { events } = await this.store.readStream(streamIds.instance(move.instance));
    const life = foldEvents(
      instanceDecider,
      events.map((e) => ({ type: e.type, data: e.data }) as InstanceEvent),
    );
    if (life.status !== 'migrating' || life.migration?.id !== move.migration) return;
    // Only ever called once the target answered healthy (the verify phase ended or was ending).
    await this.instance(move, {
      type: 'complete-migration',
      migration: move.migration,
      host,
      verified: true,
    });
  }

  private async instance(move: MovingInstance, command: InstanceCommand): Promise<void> {
    await handleCommand(this.store, streamIds.instance(move.instance), instanceDecider, command, {
      metadata: this.causes.get(move.migration) ?? {
        actor: this.actor,
        decidedBy: this.actor,
        correlationId: move.migration,
      },
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

function movingOf(state: MigrationSagaState, attempt: string | undefined): MovingInstance {
  const { migration, instance, service, app, from, to } = state;
  return { migration, instance, service, app, from, to, ...(attempt ? { attempt } : {}) };
}

/** The instance answered on its target (the log may not have moved it there yet). */
function verified(state: MigrationSagaState): boolean {
  return state.phases.some((p) => p.name === 'verify' && p.endedAt !== undefined);
}

/** An owner's token for commands that must go out afresh (see commandIdOf). */
function freshAttempt(): string {
  return `a${randomBytes(4).toString('hex')}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
