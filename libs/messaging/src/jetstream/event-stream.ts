import type { Subjects } from '@federa/contracts';
import { nanos, type JetStreamManager, type StreamInfo } from 'nats';

/** How long JetStream remembers message ids for deduplication; the relay republishes within it. @default 2 min */
export const eventStreamDuplicateWindowMs = 120_000;

/**
 * Creates the JetStream stream of the event log (`Subjects.eventStream`, subjects `<prefix>.events.>`)
 * when missing, and widens its duplicate window when an older one is shorter. Safe to race.
 */
export async function ensureEventStream(
  jsm: JetStreamManager,
  subjects: Subjects,
  duplicateWindowMs = eventStreamDuplicateWindowMs,
): Promise<StreamInfo> {
  const existing = await jsm.streams.info(subjects.eventStream).catch(() => undefined);
  if (existing) {
    if (existing.config.duplicate_window >= nanos(duplicateWindowMs)) return existing;
    return jsm.streams.update(subjects.eventStream, {
      ...existing.config,
      duplicate_window: nanos(duplicateWindowMs),
    });
  }
  try {
    return await jsm.streams.add({
      name: subjects.eventStream,
      subjects: [subjects.allEvents],
      duplicate_window: nanos(duplicateWindowMs),
    });
  } catch (error) {
    // Another process created it between our look and our add.
    const created = await jsm.streams.info(subjects.eventStream).catch(() => undefined);
    if (created) return created;
    throw error;
  }
}
