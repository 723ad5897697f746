import type { MigrationSagaState } from './migration-saga';

/** One thing a rollback undoes, in the order returned. */
export type RollbackStep =
  /** Stop the copy the target may run (started, imported or received by a live transfer). */
  | 'stop-target'
  /** Start the instance on its source again (it was stopped for the copy). */
  | 'start-source'
  /** Give back what was reserved on the target. */
  | 'release-target';

/**
 * What undoing a failed migration takes, from the phases it began: the target's copy goes first so
 * that two copies never run, then the source starts again if it was stopped, then the target's
 * reservation is returned. A step that may not be needed (the target never started) is harmless to
 * run, so a phase that began counts as done.
 */
export function rollbackSteps(state: MigrationSagaState): RollbackStep[] {
  const began = (name: string) => state.phases.some((p) => p.name === name);
  const steps: RollbackStep[] = [];
  if (began('import') || began('start-target') || began('live-transfer')) steps.push('stop-target');
  if (began('stop-source')) steps.push('start-source');
  steps.push('release-target');
  return steps;
}
