import type { EventMetadata } from '@federa/contracts';
import { StreamVersionConflict } from '../errors/stream-version-conflict';
import type { AppendResult, EventStore } from '../event-store';
import { backoffDelayMs, type BackoffPolicy } from '@federa/runtime/backoff';
import { foldEvents, type Decider, type DomainEvent } from './decider';

/** Writers that lose a race retry within milliseconds: the winner's append is already committed. */
export const conflictBackoff: BackoffPolicy = { baseMs: 5, maxMs: 200 };

export interface HandleCommandOptions {
  /** Who and why; `occurredAt` defaults to now. */
  metadata: Partial<Pick<EventMetadata, 'occurredAt'>> &
    Pick<EventMetadata, 'correlationId' | 'causationId' | 'actor' | 'actorRole' | 'decidedBy'>;
  /** Attempts in all when concurrent writers keep winning; @default 5 */
  maxAttempts?: number;
}

export interface HandleCommandResult<State, Event> {
  /** The state after the new events. */
  newState: State;
  newEvents: Event[];
  /** Undefined when the decider produced no event (nothing appended). */
  appended: AppendResult | undefined;
}

/**
 * Loads the stream, folds it, decides, and appends at the version it read; on a version conflict
 * re-reads and re-decides (bounded attempts, jittered backoff) and finally rethrows the conflict.
 */
export async function handleCommand<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  options: HandleCommandOptions,
): Promise<HandleCommandResult<State, Event>> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const { events, version } = await store.readStream(streamId);
    const state = foldEvents(
      decider,
      events.map((e) => ({ type: e.type, data: e.data }) as Event),
    );
    const decided = decider.decide(command, state);
    const newEvents = Array.isArray(decided) ? decided : [decided];
    const newState = newEvents.reduce((s, e) => decider.evolve(s, e), state);
    if (newEvents.length === 0) return { newState, newEvents, appended: undefined };
    const metadata: EventMetadata = {
      ...options.metadata,
      occurredAt: options.metadata.occurredAt ?? new Date().toISOString(),
    };
    try {
      const appended = await store.append(
        streamId,
        version === 0 ? 'no-stream' : version,
        newEvents.map((e) => ({ type: e.type, data: e.data, metadata })),
      );
      return { newState, newEvents, appended };
    } catch (error) {
      if (!(error instanceof StreamVersionConflict) || attempt >= maxAttempts) throw error;
      await new Promise((r) => setTimeout(r, backoffDelayMs(attempt, conflictBackoff)));
    }
  }
}
