import type { RecordedEvent } from '@federa/contracts';
import { backoffDelayMs, type BackoffPolicy } from '@federa/runtime/backoff';
import type { EventStore, LogCheckpoint, ReadAllResult } from '../event-store';

export interface LogSubscriptionOptions {
  /** Start after this checkpoint; @default the start of the log */
  after?: LogCheckpoint | null;
  /** @default 500 */
  batchSize?: number;
  /** Wait between polls once caught up; @default 100 ms */
  pollMs?: number;
  /**
   * Told of a handler's failure: with `recover`, of each one before the subscription recovers; without,
   * once, as the subscription stops. @default rethrown by `done` (without `recover`)
   */
  onError?: (error: unknown) => void;
  /**
   * Makes a handler's failure a pause rather than the end: after a backoff (`readRetry`'s policy), the
   * subscription calls recover, which puts the consumer back on a checkpoint it durably knows (a read
   * model's stored checkpoint; null after emptying an in-memory view, to replay the log) and answers
   * it; the subscription goes on from there. A failed page may be half applied, so it is never simply
   * handed over again. recover failing (the database still down) is retried the same way.
   * @default none: a handler's failure stops the subscription
   */
  recover?: (
    error: unknown,
    attempt: number,
  ) => Promise<LogCheckpoint | null> | LogCheckpoint | null;
  /**
   * How long to wait before reading again after a read failed (the database restarting, a lost
   * connection): reads are retried for as long as the subscription runs, from the last page handed
   * over, so that a backend outage ends with the reader caught up rather than stopped.
   * @default { baseMs: 100, maxMs: 5000 }, full jitter
   */
  readRetry?: BackoffPolicy;
  /**
   * Told after each read that found less than a page (the subscription is at the head of the log,
   * the handler having applied what it found), on every poll while it stays there.
   */
  onCaughtUp?: () => void;
  /** Told of every failed read before it is retried (attempt counts from 1 since the last success). */
  onReadRetry?: (error: unknown, attempt: number) => void;
  /**
   * Catch up through the store's cursor (readAllPages) when it has one. The cursor keeps a connection
   * of the store's pool until it has read what was visible at the start: pass false when the handler
   * needs that pool and the pool has a single connection. @default true
   */
  catchUpThroughCursor?: boolean;
}

const defaultReadRetry: BackoffPolicy = { baseMs: 100, maxMs: 5000 };

/** A handler's failure, told apart from a read's: only reads are retried. */
class HandlerFailed {
  constructor(
    readonly error: unknown,
    /** The checkpoint of the page it failed on. */
    readonly checkpoint: LogCheckpoint,
  ) {}
}

/** Whether `a` is at or after `b` in the log's (transaction, position) order. */
function atOrAfter(a: LogCheckpoint, b: LogCheckpoint): boolean {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  return ta > tb || (ta === tb && a.position >= b.position);
}

/**
 * Catch-up then live: reads the log from a checkpoint page by page (through one cursor when the store
 * has readAllPages, the next page arriving while the handler works), then polls for new events (no
 * NOTIFY in the append path). The handler sees every event once, in checkpoint order, and is awaited
 * before the next page is read. A failed read is retried with backoff from the last page handed
 * over. A failed handler stops the subscription unless the consumer can recover (`recover`): its page
 * may be half applied, so running it again could apply events twice; the consumer goes back to a
 * checkpoint it knows instead, and the subscription follows from there, as long as it runs.
 */
export class LogSubscription {
  private stopped = false;
  private wake: (() => void) | undefined;
  private checkpointValue: LogCheckpoint | null;
  /** Failures in a row (reads, handlers, recoveries) since the last read or page that went through. */
  private failures = 0;
  /**
   * Handler failures since a page past the last failed one was applied. Kept apart from `failures`:
   * a recovery replays the good pages before the failed one, and those must not reset the backoff of a
   * page that fails every time, or the consumer replays the log hot, forever.
   */
  private handlerFailures = 0;
  /** The checkpoint of the last page whose handler failed, until a page at or past it is applied. */
  private failedAt: LogCheckpoint | undefined;
  private lastError: unknown;
  /** Settles when the subscription stops; rejects with a handler's or read's error. */
  readonly done: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly handle: (events: RecordedEvent[], checkpoint: LogCheckpoint) => Promise<void>,
    private readonly options: LogSubscriptionOptions = {},
  ) {
    this.checkpointValue = options.after ?? null;
    this.done = this.run();
    if (options.onError) this.done.catch(options.onError);
  }

  /** The checkpoint after the last page the handler finished. */
  get checkpoint(): LogCheckpoint | null {
    return this.checkpointValue;
  }

  /**
   * Whether the subscription follows the log now: false from a failed read or recovery until the next
   * read or page that goes through, from a failed handler until a page past the one it failed on is
   * applied (the replay before it does not count), and once it has stopped. What a service's readiness
   * asks.
   */
  get healthy(): boolean {
    return !this.stopped && this.failures === 0 && this.handlerFailures === 0;
  }

  /** Why the subscription is not healthy, while it is not. */
  get problem(): string | undefined {
    if (this.stopped) return 'stopped';
    if (this.failures === 0 && this.handlerFailures === 0) return undefined;
    return this.lastError instanceof Error ? this.lastError.message : String(this.lastError);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    for (;;) {
      try {
        return await this.follow();
      } catch (error) {
        const cause = error instanceof HandlerFailed ? error.error : error;
        this.failed(cause);
        if (error instanceof HandlerFailed) {
          this.handlerFailures++;
          this.failedAt = error.checkpoint;
        }
        if (!this.options.recover) {
          this.stopped = true;
          throw cause;
        }
        this.options.onError?.(cause);
        if (!(await this.recover(cause, this.options.recover))) return;
      }
    }
  }

  /** Backs off and asks the consumer where to go on from, until it answers; false once stopped. */
  private async recover(
    cause: unknown,
    recover: NonNullable<LogSubscriptionOptions['recover']>,
  ): Promise<boolean> {
    const policy = this.options.readRetry ?? defaultReadRetry;
    let error = cause;
    for (let attempt = 1; ; attempt++) {
      const failuresInARow = Math.max(this.failures, this.handlerFailures);
      await this.pause(backoffDelayMs(failuresInARow - 1, policy) + policy.baseMs);
      if (this.stopped) return false;
      try {
        this.checkpointValue = await recover(error, attempt);
        return true;
      } catch (failure) {
        error = failure;
        this.failed(failure);
        this.options.onError?.(failure);
      }
    }
  }

  private failed(error: unknown): void {
    this.failures++;
    this.lastError = error;
  }

  private async follow(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const pollMs = this.options.pollMs ?? 100;
    try {
      await this.catchUpThroughCursor(batchSize);
    } catch (error) {
      if (error instanceof HandlerFailed) throw error;
      // The cursor broke off (its connection lost): readAll goes on from the last page handed over.
      this.failed(error);
      this.options.onReadRetry?.(error, 1);
    }
    let readFailures = 0;
    while (!this.stopped) {
      let page: ReadAllResult;
      try {
        page = await this.store.readAll(this.checkpointValue, batchSize);
        readFailures = 0;
        this.failures = 0;
      } catch (error) {
        this.failed(error);
        this.options.onReadRetry?.(error, ++readFailures);
        const policy = this.options.readRetry ?? defaultReadRetry;
        await this.pause(backoffDelayMs(readFailures - 1, policy) + policy.baseMs);
        continue;
      }
      if (page.events.length > 0) await this.deliver(page);
      if (page.events.length < batchSize) this.options.onCaughtUp?.();
      if (page.events.length < batchSize && !this.stopped) await this.pause(pollMs);
    }
  }

  /** Waits `ms`, or less when stop() is called. */
  private async pause(ms: number): Promise<void> {
    if (this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  /**
   * Delivers the cursor's pages until it ends or stop() is called. The cursor ends at what was visible
   * when it opened: run() goes on with readAll from the last page's checkpoint, at once.
   */
  private async catchUpThroughCursor(pageSize: number): Promise<void> {
    if (!this.store.readAllPages || this.options.catchUpThroughCursor === false) return;
    for await (const page of this.store.readAllPages(this.checkpointValue, pageSize)) {
      await this.deliver(page);
      // Leaving the loop closes the cursor and gives its connection back.
      if (this.stopped) return;
    }
  }

  private async deliver(page: ReadAllResult): Promise<void> {
    try {
      await this.handle(page.events, page.checkpoint);
    } catch (error) {
      throw new HandlerFailed(error, page.checkpoint);
    }
    this.checkpointValue = page.checkpoint;
    this.failures = 0;
    if (this.failedAt && atOrAfter(page.checkpoint, this.failedAt)) {
      this.handlerFailures = 0;
      this.failedAt = undefined;
    }
  }
}
