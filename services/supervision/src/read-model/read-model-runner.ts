import { Logger } from '@nestjs/common';
import {
  checkpointPassed,
  headPosition,
  ProjectionRunner,
  type EventStore,
} from '@federa/eventstore';
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
  /** One catch-up at a time for all waiting commands: each holds a cursor and a connection. */
  private catching: Promise<unknown> | undefined;

  constructor(
    private readonly pool: Pool,
    store: EventStore,
  ) {
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
  async reach(position: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await checkpointPassed(this.pool, this.projection.name, position))) {
      if (Date.now() > deadline)
        throw new Error(`read model did not reach position ${position} in ${timeoutMs} ms`);
      // Applying here rather than waiting for the next poll: the caller is answering a request.
      await (this.catching ??= this.runner
        .catchUp()
        .catch(() => 0)
        .finally(() => (this.catching = undefined)));
      if (await checkpointPassed(this.pool, this.projection.name, position)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Resolves once the model includes every event committed before the call (so that an answer is
   * never older than the log its caller may have read), or after `timeoutMs`, whichever is first:
   * a query answers a moment stale rather than not at all.
   */
  async current(timeoutMs = 1000): Promise<void> {
    const head = await headPosition(this.pool);
    if (head === 0) return;
    await this.reach(head, timeoutMs).catch(() => undefined);
  }
}
