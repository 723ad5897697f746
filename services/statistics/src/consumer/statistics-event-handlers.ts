import type { RecordedEvent } from '@federa/contracts';
import type { PoolClient } from 'pg';

/** One area's reaction to the events of the log (the catalogue, usage, cost, forecasts...). */
export interface StatisticsEventHandler {
  /** Who handles, for logs and dead letters (`catalogue`, `usage`...). */
  readonly name: string;
  /** Event types it wants; every type when absent. */
  readonly types?: readonly string[];
  /**
   * Applies one event inside the transaction that marks its position handled, so that its effect is
   * kept exactly once. Throw to have it retried (in order: nothing after it is applied meanwhile);
   * throw a PermanentFailure (`@federa/messaging`) for an event no retry can fix: it is then
   * dead-lettered and skipped.
   */
  handle(event: RecordedEvent, db: PoolClient): Promise<void>;
}

/**
 * The handlers the statistics consumer calls for each event, in the order they registered. An area
 * registers from its provider's constructor or `onModuleInit`: the consumer starts once every module
 * is initialised, and refuses registrations after that (they would miss events).
 */
export class StatisticsEventHandlers {
  private readonly handlers: StatisticsEventHandler[] = [];
  private readonly byType = new Map<string, StatisticsEventHandler[]>();
  private sealed = false;

  register(handler: StatisticsEventHandler): void {
    if (this.sealed) {
      throw new Error(`handler ${handler.name} registered after the consumer started`);
    }
    if (this.handlers.some((h) => h.name === handler.name)) {
      throw new Error(`handler ${handler.name} is already registered`);
    }
    this.handlers.push(handler);
    this.byType.clear();
  }

  /** Called by the consumer as it starts. */
  seal(): void {
    this.sealed = true;
  }

  get names(): string[] {
    return this.handlers.map((h) => h.name);
  }

  /** Whether any handler wants events of this type (the others leave no trace, not even their position). */
  wants(type: string): boolean {
    return this.handlersOf(type).length > 0;
  }

  /** Applies the event with every handler that wants its type, one after the other. */
  async apply(event: RecordedEvent, db: PoolClient): Promise<void> {
    for (const handler of this.handlersOf(event.type)) await handler.handle(event, db);
  }

  private handlersOf(type: string): StatisticsEventHandler[] {
    let found = this.byType.get(type);
    if (!found) {
      found = this.handlers.filter((h) => !h.types || h.types.includes(type));
      this.byType.set(type, found);
    }
    return found;
  }
}
