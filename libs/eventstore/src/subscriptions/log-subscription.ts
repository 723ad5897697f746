import type { RecordedEvent } from '@federa/contracts';
import type { EventStore, LogCheckpoint, ReadAllResult } from '../event-store';

export interface LogSubscriptionOptions {
  /** Start after this checkpoint; @default the start of the log */
  after?: LogCheckpoint | null;
  /** @default 500 */
  batchSize?: number;
  /** Wait between polls once caught up; @default 100 ms */
  pollMs?: number;
  /** Called when a handler or read fails; the subscription stops. @default rethrown by `done` */
  onError?: (error: unknown) => void;
  /**
   * Catch up through the store's cursor (readAllPages) when it has one. The cursor keeps a connection
   * of the store's pool until it has read what was visible at the start: pass false when the handler
   * needs that pool and the pool has a single connection. @default true
   */
  catchUpThroughCursor?: boolean;
}

/**
 * Catch-up then live: reads the log from a checkpoint page by page (through one cursor when the store
 * has readAllPages, the next page arriving while the handler works), then polls for new events (no
 * NOTIFY in the append path). The handler sees every event once, in checkpoint order, and is awaited
 * before the next page is read.
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
    const batchSize = this.options.batchSize ?? 500;
    const pollMs = this.options.pollMs ?? 100;
    await this.catchUpThroughCursor(batchSize);
    while (!this.stopped) {
      const page = await this.store.readAll(this.checkpointValue, batchSize);
      if (page.events.length > 0) await this.deliver(page);
      if (page.events.length < batchSize && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
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
    await this.handle(page.events, page.checkpoint);
    this.checkpointValue = page.checkpoint;
  }
}
