import { Logger } from '@nestjs/common';
import { ProjectionRunner, type EventStore, type Queryable } from '@federa/eventstore';
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
  private following: Promise<void> | undefined;
  /** One catch-up at a time for all waiting commands: each holds a cursor and a connection. */
  private catching: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    store: EventStore,
  ) {
    this.runner = new ProjectionRunner(pool, store, this.projection, { pollMs: 50 });
  }

  /** Catches up (so that the first answers are current), then follows in the background. */
  async start(): Promise<void> {
    await this.runner.catchUp();
    this.following = this.follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.runner.stop();
    await this.following;
  }

  /** Drops the read model and replays the whole log into it; answers the events applied. */
  rebuild(): Promise<number> {
    return this.runner.rebuild();
  }

  /** Resolves once the model includes the event at log `position`; throws after `timeoutMs`. */
  async reach(position: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await passed(this.pool, this.projection.name, position))) {
      if (Date.now() > deadline)
        throw new Error(`read model did not reach position ${position} in ${timeoutMs} ms`);
      // Applying here rather than waiting for the next poll: the caller is answering a request.
      await (this.catching ??= this.runner
        .catchUp()
        .catch(() => 0)
        .finally(() => (this.catching = undefined)));
      if (await passed(this.pool, this.projection.name, position)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Resolves once the model includes every event committed before the call (so that an answer is
   * never older than the log its caller may have read), or after `timeoutMs`, whichever is first:
   * a query answers a moment stale rather than not at all.
   */
  async current(timeoutMs = 1000): Promise<void> {
    const { rows } = await this.pool.query<{ head: string | null }>(
      'SELECT max(position) AS head FROM eventlog.events',
    );
    if (rows[0].head === null) return;
    await this.reach(Number(rows[0].head), timeoutMs).catch(() => undefined);
  }

  private async follow(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.runner.start();
      } catch (error) {
        if (this.stopped) return;
        this.logger.error(`projection stopped, restarting in 1 s: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
}

/** Whether checkpoint `name` is at or past the event at `position`, in the readers' (xid, position) order. */
async function passed(db: Queryable, name: string, position: number): Promise<boolean> {
  const { rows } = await db.query<{ passed: boolean }>({
    text: `SELECT EXISTS (
             SELECT 1 FROM eventlog.checkpoints c JOIN eventlog.events e ON e.position = $2
             WHERE c.name = $1 AND (c.transaction_id, c.position) >= (e.transaction_id, e.position)
           ) AS passed`,
    values: [name, position],
  });
  return rows[0].passed;
}
