import type { NewEvent } from '@federa/contracts';
import type { StreamAppend } from './event-store';
import { trace, context, type Context } from '@opentelemetry/api';
import { activeTraceparent, contextOfTraceparent } from '@federa/runtime/tracing';

/**
 * The parent of an append's span: the active span when there is one (a command's handler), else
 * the trace its events' metadata carry on from their cause (a reaction to an earlier event, a tick).
 */
export function appendSpanParent(events: readonly NewEvent[] | undefined): Context | undefined {
  if (trace.getSpan(context.active())) return undefined;
  for (const event of events ?? []) {
    const parent = contextOfTraceparent(event?.metadata?.traceparent);
    if (parent) return parent;
  }
  return undefined;
}

/**
 * `events` with the active span's `traceparent` in their metadata (what reacts to them joins the
 * trace); the same array when no span is active. Events that shared a metadata object still share
 * one, so that the store checks it once.
 */
export function withTraceparent<E extends NewEvent>(events: E[]): E[] {
  const traceparent = activeTraceparent();
  if (!traceparent || !Array.isArray(events)) return events;
  const traced = new Map<object, NewEvent['metadata']>();
  return events.map((event) => {
    const metadata = event?.metadata;
    if (metadata === null || typeof metadata !== 'object') return event;
    let copy = traced.get(metadata);
    if (!copy) {
      copy = { ...metadata, traceparent };
      traced.set(metadata, copy);
    }
    return { ...event, metadata: copy };
  });
}

/** As withTraceparent, for each stream's events. */
export function appendsWithTraceparent<A extends Pick<StreamAppend, 'events'>>(appends: A[]): A[] {
  if (!activeTraceparent() || !Array.isArray(appends)) return appends;
  return appends.map((append) =>
    append && Array.isArray(append.events)
      ? { ...append, events: withTraceparent(append.events) }
      : append,
  );
}
