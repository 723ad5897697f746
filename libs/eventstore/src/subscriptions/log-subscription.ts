import type { RecordedEvent } from '@federa/contracts';
import type { EventStore, LogCheckpoint } from '../event-store';

export interface LogSubscriptionOptions {
  /** Start after this checkpoint; @default the start of the log */
  after?: LogCheckpoint | null;
  /** @default 500 */
  batchSize?: number;
  /** Wait between polls once caught up; @default 100 ms */
  pollMs?: number;
  /** Called when a handler or read fails; the subscription stops. @default rethrown by `done` */
  onError?: (error: unknown) => void;
}

/**
 * Catch-up then live: reads the log from a checkpoint page by page, then polls for new events
 * (no NOTIFY in the append path). The handler sees every event once, in checkpoint order, and is
 * awaited before the next page is read.
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
    while (!this.stopped) {
      const page = await this.store.readAll(this.checkpointValue, batchSize);
      if (page.events.length > 0) {
        await this.handle(page.events, page.checkpoint);
        this.checkpointValue = page.checkpoint;
      }
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
}
