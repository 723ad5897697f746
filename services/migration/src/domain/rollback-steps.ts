import type { MigrationPhase } from '@federa/contracts';
import { migrationPlan } from './migration-plan';
import type { MigrationSagaState } from './migration-saga';

/** One thing a rollback undoes, in the order returned. */
export type RollbackStep =
  /**
   * Make the source's own copy run where it stands (resumed if a live transfer left it paused; never
   * started afresh): it must be known to run before the target's copy may go.
   */
  | 'resume-source'
  /** Stop the copy the target may run (started, imported or received by a live transfer). */
  | 'stop-target'
  /** Start the instance on its source again (it was stopped for the copy). */
  | 'start-source'
  /** Give back what was reserved on the target. */
  | 'release-target';

/**
 * What undoing a failed migration takes, from the phases it began. A live transfer may have handed
 * the running guest to the target (its source's QEMU quits once the guest is sent): the source's
 * copy is made to run first, and the target's copy only goes once it does. Otherwise the target's
 * copy goes first so that two copies never run, then the source starts again if it was stopped
 * (its stopped copy keeps its data until `release-source`), then the target's reservation is
 * returned. A step that may not be needed (the target never started) is harmless to run, so a phase
 * that began counts as done.
 */
export function rollbackSteps(state: MigrationSagaState): RollbackStep[] {
  const began = (name: string) => state.phases.some((p) => p.name === name);
  const steps: RollbackStep[] = [];
  if (targetMayHoldTheOnlyCopy(state)) steps.push('resume-source');
  if (began('import') || began('start-target') || began('live-transfer')) steps.push('stop-target');
  if (began('stop-source')) steps.push('start-source');
  steps.push('release-target');
  return steps;
}

/**
 * Whether the target may hold the instance's only runnable copy: a live transfer began, so the guest
 * may have been sent and its source quit. Such a target copy is never destroyed before the source
 * is known to run its own.
 */
export function targetMayHoldTheOnlyCopy(state: MigrationSagaState): boolean {
  return state.live && state.phases.some((p) => p.name === 'live-transfer');
}

/**
 * What the source answered when asked to run its copy again: `runs` (it did, resumed or still
 * running), `gone` (its agent holds no copy that can run: the guest was sent away), `unreachable`
 * (no answer: it may or may not hold one).
 */
export type SourceCopy = 'runs' | 'gone' | 'unreachable';

/**
 * What a live move's failure keeps when its source does not run its copy (one that does is rolled
 * back to, the target's copy going):
 * - `keep-target`: the target's copy is the instance (the source has none, or cannot be reached
 *   while the target runs the guest, which a receiving QEMU only does once the whole guest
 *   arrived): it is recorded there, nothing is destroyed, the migration ends failed;
 * - `wait`: neither end is known to run it, and the source's host is still up (its agent is slow to
 *   answer: a `resume` queued behind a migrate-out still running, say): nothing is decided yet, the
 *   instance stays `migrating` (supervision and fencing leave both ends alone) and both ends are asked
 *   again, until one of them answers;
 * - `keep-both`: neither end is known to run it and the source's host is down: nothing is touched,
 *   the migration ends failed and the instance is left on its source, to supervision as any instance
 *   of a down host.
 */
export type KeptCopies = 'keep-target' | 'wait' | 'keep-both';

/**
 * The rule above. `targetRuns` is asked only when the source is unreachable (see
 * `needsTargetAnswer`); a gone source leaves the target as the only copy whatever it answers now.
 * `sourceHostUp`: the log still has the source's host up.
 */
export function keptCopies(
  source: Exclude<SourceCopy, 'runs'>,
  targetRuns?: boolean,
  sourceHostUp = false,
): KeptCopies {
  if (source === 'gone') return 'keep-target';
  if (targetRuns) return 'keep-target';
  return sourceHostUp ? 'wait' : 'keep-both';
}

/** Whether what is kept depends on the target's answer too. */
export function needsTargetAnswer(source: SourceCopy): boolean {
  return source === 'unreachable';
}

/** What a kept course adds to the failure's reason, for the user reading the migration. */
export function keptReason(
  course: Exclude<KeptCopies, 'wait'>,
  source: Exclude<SourceCopy, 'runs'>,
  ends: { from: string; to: string },
  detail: string,
): string {
  const why =
    source === 'gone'
      ? `${ends.from} holds no copy that can run (${detail})`
      : `${ends.from} cannot be reached (${detail})`;
  return course === 'keep-target'
    ? `${why}: the copy on ${ends.to} is kept as the instance`
    : `${why} and ${ends.to} does not run it: neither copy was touched`;
}

/**
 * Whether a rollback must see the target's copy stopped (or its host down in the log, its epoch
 * fenced) before the source starts again: a cold move with data stopped its source, and a target
 * copy cut off but running would keep taking writes while the source runs again, two copies with
 * diverging data.
 */
export function mustConfirmTargetStopped(state: MigrationSagaState): boolean {
  return !state.live && state.stateful && state.phases.some((p) => p.name === 'stop-source');
}

/**
 * Whether a cold move with data goes forward rather than back when `phase` failed with its source
 * gone: once the export ended, the data bucket (and, once imported, the target) holds the newest
 * copy of the data, and rolling back would destroy it for an older backup. The remaining phases
 * before `verify` are tried again instead.
 */
export function goesForwardWithoutSource(
  state: MigrationSagaState,
  phase: MigrationPhase,
): boolean {
  if (state.live || !state.stateful) return false;
  const exported = state.phases.some((p) => p.name === 'export' && p.endedAt !== undefined);
  const plan = migrationPlan(state);
  return (
    exported &&
    plan.indexOf(phase) > plan.indexOf('export') &&
    plan.indexOf(phase) <= plan.indexOf('verify')
  );
}

/** Why a cold move with data gone forward without its source ends failed, its target's copy kept. */
export function keptForwardReason(reason: string, ends: { from: string; to: string }): string {
  return `${reason}; ${ends.from} is not available: the copy of its newest data on ${ends.to} is kept as the instance`;
}

/** The phases that may come after `verify`, where the instance already runs on its target. */
export type CleanupPhase = Extract<MigrationPhase, 'stop-source' | 'release-source'>;

/**
 * Whether `phase` comes after `verify` in this migration's plan: a failure there is retried, never
 * rolled back (the log already runs the instance on its target). `stop-source` is one only in a move
 * without data (make before break); in a cold move with data it is the first phase, and a failure
 * there is rolled back like any before `verify`: the source's copy is started again if it stopped.
 */
export function isCleanupPhase(
  state: MigrationSagaState,
  phase: MigrationPhase,
): phase is CleanupPhase {
  const plan = migrationPlan(state);
  return plan.indexOf(phase) > plan.indexOf('verify');
}

/**
 * Why a move whose clean-up after `verify` gave up ends failed: the log already runs the instance on
 * its target, so nothing is rolled back; a source copy that could not be stopped (its agent gone)
 * runs on behind that agent, and fencing stops it once the agent is back, as the log places the
 * instance elsewhere.
 */
export function cleanupGaveUpReason(
  phase: CleanupPhase,
  reason: string,
  ends: { from: string; to: string },
): string {
  const left =
    phase === 'stop-source'
      ? `its copy on ${ends.from} is stopped by fencing once ${ends.from}'s agent is back`
      : `only its stopped copy on ${ends.from} was not removed`;
  return `${reason}; the instance runs on ${ends.to}: ${left}`;
}
