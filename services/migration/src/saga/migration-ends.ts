/** The instance a migration moves and its two ends, as the ports below need them. */
export interface MovingInstance {
  migration: string;
  instance: string;
  service: string;
  app: string;
  from: string;
  to: string;
  /**
   * Set when the saga was taken over from a silent owner: part of every command id sent from then
   * on (see commandIdOf), so that each command goes out afresh under the new owner.
   */
  attempt?: string;
}

/**
 * The id of one step's command to an agent: derived from the migration, so that a resend is executed
 * once, and from the owner's attempt, so that an owner that took the saga over is told the outcome
 * of its own command (an agent reports a command's outcome once, to whoever listened then).
 */
export function commandIdOf(move: Pick<MovingInstance, 'migration' | 'attempt'>, step: string) {
  return move.attempt ? `${move.migration}-${step}-${move.attempt}` : `${move.migration}-${step}`;
}

/**
 * What a migration asks of the agents at both ends. Each call resolves once the work is done (the
 * agent's command report), and throws with the agent's reason otherwise; each is safe to call again
 * for the same migration: the agents execute a command id once, and every command here is safe to
 * execute again under a new owner's id (a stop of a stopped copy, a copy of stopped data, a start of
 * a running one answers that it runs, a destroy of what is gone is no error); a live transfer is the
 * exception, which the runner never begins again.
 */
export interface MigrationEnds {
  /** Stops the instance on its source and waits until it stopped. */
  stopSource(move: MovingInstance): Promise<void>;
  /** Copies the source's data into the data bucket; answers its key and size. */
  exportData(move: MovingInstance): Promise<{ key: string; bytes: number }>;
  /**
   * Copies the export from the source's data bucket into the target's, then reads it into the
   * instance on the target (not yet started).
   */
  importData(move: MovingInstance, key: string): Promise<void>;
  /** Starts the instance on the target. */
  startTarget(move: MovingInstance): Promise<void>;
  /** Resolves once the instance answers healthy on `host` (running, for one without a probe). */
  awaitHealthy(move: MovingInstance, host: string): Promise<void>;
  /** Live: migrate-in on the target, then migrate-out on the source; answers what the layer measured. */
  liveTransfer(move: MovingInstance): Promise<{ bytes?: number; downtimeMs: number }>;
  /** Stops (and removes) whatever copy the target holds. */
  stopTarget(move: MovingInstance): Promise<void>;
  /** Starts the instance on its source again. */
  startSource(move: MovingInstance): Promise<void>;
  /**
   * Makes the source's own copy run again where it stands (resumed if paused), never starting one
   * afresh: answers `runs` once it does, `gone` when the source's agent holds no copy that can run
   * (a live transfer sent the guest away), with its reason; throws when the source cannot be reached.
   */
  resumeSource(move: MovingInstance): Promise<{ copy: 'runs' } | { copy: 'gone'; why: string }>;
  /** Whether `host` can run the instance now (registered, not down). */
  hostAvailable(host: string): Promise<boolean>;
}

/** The target's reservation and the source's release, in placement's ledgers (same rules). */
export interface MigrationLedger {
  /** Returns what was reserved for the instance on `host`. */
  release(move: MovingInstance, host: string): Promise<void>;
}
