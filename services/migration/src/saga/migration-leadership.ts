import { PostgresLeaderLease } from '@federa/eventstore';

/** The leadership that makes one migration replica adopt orphaned sagas (and run drains) per database. */
export const migrationLeaseName = 'federa.migration.leader';

/** How often the leader re-checks its lease and a standby tries to take it. */
export const migrationLeaseTickMs = 2000;

/** What the leadership needs of a lease: PostgresLeaderLease's tick and release. */
export interface LeaderLease {
  holds(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * One leader among the migration replicas, held as a Postgres advisory lock: the leader adopts
 * sagas whose owner fell silent and drives drains. Listeners hear each change of leadership after
 * the tick that saw it, so work begun on gaining it can be stopped when it is lost.
 */
export class MigrationLeadership {
  private leader = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private readonly listeners: Array<(leader: boolean) => void> = [];

  constructor(
    private readonly lease: LeaderLease,
    private readonly tickMs = migrationLeaseTickMs,
  ) {}

  static forDatabase(databaseUrl: string, tickMs = migrationLeaseTickMs): MigrationLeadership {
    return new MigrationLeadership(
      new PostgresLeaderLease(databaseUrl, migrationLeaseName),
      tickMs,
    );
  }

  /** What the last tick saw: true while this replica holds the lease. */
  isLeader(): boolean {
    return this.leader;
  }

  /** Called with the new standing whenever this replica gains or loses the leadership. */
  onChange(listener: (leader: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Takes the lease if free (first tick now) and keeps checking it every tick. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  /** Stops ticking and gives the lease up, so that a standby takes it on its next tick. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    this.set(false);
    await this.lease.release();
  }

  /** One check of the lease; a tick still running is not doubled. */
  tick(): Promise<void> {
    this.ticking ??= this.lease
      .holds()
      .catch(() => false)
      .then((held) => {
        if (!this.stopped) this.set(held);
      })
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  private set(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    for (const listener of this.listeners) listener(leader);
  }
}
