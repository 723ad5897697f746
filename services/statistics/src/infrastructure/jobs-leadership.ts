import { PostgresLeaderLease } from '@federa/eventstore';

/**
 * One replica at a time runs statistics' periodic jobs (forecasts, budget checks): each round first
 * asks `leads()`, which takes the lease when it is free and checks it is still held otherwise. The
 * others skip their rounds, so forecasts are computed and events appended once, not once per replica.
 */
export class JobsLeadership {
  private readonly lease: PostgresLeaderLease;

  constructor(databaseUrl: string, subjectPrefix: string) {
    this.lease = new PostgresLeaderLease(databaseUrl, `statistics-jobs:${subjectPrefix}`);
  }

  /** Whether this replica runs the round now; false (skip it) when the lease cannot be checked. */
  async leads(): Promise<boolean> {
    return this.lease.holds().catch(() => false);
  }

  async release(): Promise<void> {
    await this.lease.release();
  }
}
