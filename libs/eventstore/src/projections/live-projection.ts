import type { Pool } from 'pg';
import type { EventStore } from '../event-store';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

export interface LiveProjectionOptions {
  /** Wait between polls once caught up; @default 50 ms */
  pollMs?: number;
  /** Wait before following again after a failure (a lost connection, a projection error); @default 1000 ms */
  retryDelayMs?: number;
  /** Events per transaction; @default 1000 */
  batchSize?: number;
  /** Told of every failure it recovers from, in one line; @default console.error */
  logError?: (message: string) => void;
}

/**
 * A service's read model kept following the log for as long as the process runs: caught up before
 * the service answers anything, then followed in the background through failures, and waited on by
 * commands and queries that must see their own writes. The one way a service runs a projection.
 */
export class LiveProjection {
  private readonly runner: ProjectionRunner;
  /** Set by stop(): a stop during start()'s catch-up must keep it from following afterwards. */
  private stopped = false;

  constructor(
    pool: Pool,
    store: EventStore,
    projection: Projection,
    options: LiveProjectionOptions = {},
  ) {
    const retryDelayMs = options.retryDelayMs ?? 1000;
    const logError = options.logError ?? ((message: string) => console.error(message));
    this.runner = new ProjectionRunner(pool, store, projection, {
      pollMs: options.pollMs ?? 50,
      retryDelayMs,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      onError: (error) =>
        logError(
          `projection stopped, restarting in ${retryDelayMs / 1000} s: ${(error as Error).message}`,
        ),
    });
  }

  /** Catches up (so that the first answers are current), then follows in the background until stop(). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.runner.catchUp();
    if (!this.stopped) void this.runner.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.runner.stop();
  }

  /** Why the model does not follow the log now (a failure it is recovering from), or undefined. */
  get problem(): string | undefined {
    return this.runner.problem;
  }

  /** Applies everything visible now; answers how many events it applied. */
  catchUp(): Promise<number> {
    return this.runner.catchUp();
  }

  /** Resolves once the model includes the event at log `position` (a command's own write); throws after `timeoutMs`. */
  reach(position: number, timeoutMs?: number): Promise<void> {
    return this.runner.reach(position, timeoutMs);
  }

  /** Resolves once the model includes what was committed before the call, or after `timeoutMs`. */
  current(timeoutMs?: number): Promise<void> {
    return this.runner.current(timeoutMs);
  }

  /** Drops the read model and replays the whole log into it; answers the events applied. */
  rebuild(): Promise<number> {
    return this.runner.rebuild();
  }
}
