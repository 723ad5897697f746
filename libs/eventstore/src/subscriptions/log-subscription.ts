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
  /** Called when a handler fails; the subscription stops. @default rethrown by `done` */
  onError?: (error: unknown) => void;
  /**
   * How long to wait before reading again after a read failed (the database restarting, a lost
   * connection): reads are retried for as long as the subscription runs, from the last page handed
   * over, so that a backend outage ends with the reader caught up rather than stopped.
   * @default { baseMs: 100, maxMs: 5000 }, full jitter
   */
  readRetry?: BackoffPolicy;
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
  constructor(readonly error: unknown) {}
}

/**
 * Catch-up then live: reads the log from a checkpoint page by page (through one cursor when the store
 * has readAllPages, the next page arriving while the handler works), then polls for new events (no
 * NOTIFY in the append path). The handler sees every event once, in checkpoint order, and is awaited
 * before the next page is read. A failed read is retried with backoff from the last page handed
 * over; a failed handler stops the subscription (its page may be half applied: running it again
 * could apply events twice).
 */
export class LogSubscription {
  private stopped = false;
  private wake: (() => void) | undefined;
  private checkpointValue: LogCheckpoint | null;
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

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    try {
      await this.follow();
    } catch (error) {
      throw error instanceof HandlerFailed ? error.error : error;
    }
  }

  private async follow(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const pollMs = this.options.pollMs ?? 100;
    try {
      await this.catchUpThroughCursor(batchSize);
    } catch (error) {
      if (error instanceof HandlerFailed) throw error;
      // The cursor broke off (its connection lost): readAll goes on from the last page handed over.
      this.options.onReadRetry?.(error, 1);
    }
    let failures = 0;
    while (!this.stopped) {
      let page: ReadAllResult;
      try {
        page = await this.store.readAll(this.checkpointValue, batchSize);
        failures = 0;
      } catch (error) {
        this.options.onReadRetry?.(error, ++failures);
        const policy = this.options.readRetry ?? defaultReadRetry;
        await this.pause(backoffDelayMs(failures - 1, policy) + policy.baseMs);
        continue;
      }
      if (page.events.length > 0) await this.deliver(page);
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
      throw new HandlerFailed(error);
    }
    this.checkpointValue = page.checkpoint;
  }
}
