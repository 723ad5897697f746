import type { RecordedEvent } from '@federa/contracts';

/** When the change an event records happened: as observed by its writer, else as the log stored it. */
export function eventTime(event: Pick<RecordedEvent, 'metadata' | 'recordedAt'>): string {
  const occurred = (event.metadata as { occurredAt?: unknown } | undefined)?.occurredAt;
  return typeof occurred === 'string' && occurred !== '' ? occurred : event.recordedAt;
}
