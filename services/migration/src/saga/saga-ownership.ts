/**
 * Who drives a saga: one owner lease per migration, held by the replica that runs it. A lease is
 * held as long as its holder's session lives, so an owner that dies (or is cut off) frees it at once
 * and the migration leader's next sweep takes it over: no timeout to guess, however long a phase.
 */
export interface SagaOwnership {
  /**
   * Takes the migration's lease when it is free: true when this replica now owns the saga, false when
   * another owner holds it (or this replica already does: one runner per saga here too).
   */
  claim(migration: string): Promise<boolean>;
  /** Whether this replica still holds the lease (false once its session is gone). */
  owns(migration: string): Promise<boolean>;
  /** Gives the lease back (the saga ended, or its runner stopped). */
  release(migration: string): Promise<void>;
}

/** The saga is no longer this runner's: its lease was lost or another runner appended first. */
export class SagaTakenOver extends Error {
  constructor(migration: string, why: string) {
    super(`migration ${migration} is no longer run here: ${why}`);
    this.name = 'SagaTakenOver';
  }
}

/** Ownership for a single runner (tests, tools): every saga is its own. */
export const soleOwnership: SagaOwnership = {
  claim: async () => true,
  owns: async () => true,
  release: async () => undefined,
};
