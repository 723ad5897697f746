import { LogSubscription, type EventStore } from '@federa/eventstore';
import { emptyDrainWorld, foldDrainWorld, type DrainWorld } from '../domain/drain-world';

/**
 * Follows the whole log from its start (again after a restart or a failover) into the drain world:
 * which drains are in progress, and the instances, applications and migrations they are decided from.
 * `ready` once it has caught up with the log, so that nothing is decided from half a history.
 */
export class DrainLogFollower {
  private current: DrainWorld = emptyDrainWorld();
  private caughtUp = false;
  private subscription: LogSubscription | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly log: (message: string) => void,
  ) {}

  get world(): DrainWorld {
    return this.current;
  }

  /** True once the world has read the log up to its head (and for as long as it follows it). */
  get ready(): boolean {
    return this.caughtUp && (this.subscription?.healthy ?? false);
  }

  start(): void {
    this.subscription = new LogSubscription(
      this.store,
      async (events) => {
        for (const event of events) foldDrainWorld(this.current, event);
      },
      {
        pollMs: 200,
        onCaughtUp: () => {
          this.caughtUp = true;
        },
        // The world lives in memory only: after a failed page it is built again from the start.
        recover: () => {
          this.current = emptyDrainWorld();
          this.caughtUp = false;
          return null;
        },
        onError: (error) => this.log(`following the log for drains: ${String(error)}`),
      },
    );
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}
