import { Logger } from '@nestjs/common';
import { ProjectionRunner, type EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import { SupervisionProjection } from './supervision-projection';

/**
 * Keeps supervision's read model following the log while the process runs, and lets a command wait
 * until the model shows what it appended (read-your-writes).
 */
export class ReadModelRunner {
  private readonly logger = new Logger('SupervisionReadModel');
  private readonly projection = new SupervisionProjection();
  private readonly runner: ProjectionRunner;
  constructor(pool: Pool, store: EventStore) {
    this.runner = new ProjectionRunner(pool, store, this.projection, {
      pollMs: 50,
      retryDelayMs: 1000,
      onError: (error) =>
        this.logger.error(`projection stopped, restarting in 1 s: ${(error as Error).message}`),
    });
  }

  /** Catches up (so that the first answers are current), then follows in the background. */
  async start(): Promise<void> {
    await this.runner.catchUp();
    void this.runner.start();
  }

  async stop(): Promise<void> {
    await this.runner.stop();
  }

  /** Drops the read model and replays the whole log into it; answers the events applied. */
  rebuild(): Promise<number> {
    return this.runner.rebuild();
  }

  /** Resolves once the model includes the event at log `position`; throws after `timeoutMs`. */
  reach(position: number, timeoutMs = 5000): Promise<void> {
    return this.runner.reach(position, timeoutMs);
  }

  /** Resolves once the model includes what was committed before the call, or after `timeoutMs`. */
  current(timeoutMs = 1000): Promise<void> {
    return this.runner.current(timeoutMs);
  }
}
