import { createHash } from 'node:crypto';
import type { NewEvent, UsageRecordedData } from '@federa/contracts';
import { averageLoad, type UsageAmounts } from './usage-amounts';

export const hourMs = 3_600_000;

/** One instance's usage on one host over one hour, with what the catalogue knows of the instance. */
export interface InstanceHourUsage extends UsageAmounts {
  instance: string;
  host: string;
  service: string;
  app: string;
  /** Start of the hour, ms since the Unix epoch. */
  hour: number;
  /** Minute rows summed. */
  activeMinutes: number;
}

/** The stream an instance's usage is recorded on (one writer: statistics' usage recorder). */
export function usageStreamOf(instance: string): string {
  return `statistics-${instance}`;
}

/**
 * The UsageRecorded (v2) of one instance's hour on one host. Its event id is derived from the
 * instance, host and hour, so that appending the same hour again, after a crash or by a rebuild,
 * is the store's idempotent no-op rather than a second record.
 */
export function usageRecordedEvent(
  usage: InstanceHourUsage,
  occurredAt: string,
): NewEvent<UsageRecordedData> {
  const load = averageLoad(usage);
  const data: UsageRecordedData = {
    service: usage.service,
    app: usage.app,
    instance: usage.instance,
    host: usage.host,
    from: new Date(usage.hour).toISOString(),
    periodMinutes: 60,
    activeMinutes: Math.min(60, Math.max(1, usage.activeMinutes)),
    cpuSeconds: usage.cpuSeconds,
    memoryGibMinutes: usage.memoryGibMinutes,
    storageGibHours: usage.storageGibHours,
    networkInBytes: Math.round(usage.networkInBytes),
    networkOutBytes: Math.round(usage.networkOutBytes),
    samples: Math.max(1, usage.samples),
  };
  if (load !== undefined) data.load = Math.min(1, Math.max(0, load));
  return {
    eventId: usageRecordedEventId(usage.instance, usage.host, usage.hour),
    type: 'UsageRecorded',
    schemaVersion: 2,
    data,
    metadata: {
      correlationId: `usage-${usage.instance}-${usage.hour}`,
      actor: 'statistics',
      decidedBy: 'statistics',
      occurredAt,
    },
  };
}

/** A name-based UUID (version 5 layout, SHA-1) of the instance, host and hour. */
export function usageRecordedEventId(instance: string, host: string, hour: number): string {
  const bytes = createHash('sha1')
    .update(`federa.usage-recorded\u0000${instance}\u0000${host}\u0000${hour}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The hours an instance's stream should record next: closed, after its last, in order. */
export function hoursToRecord<H extends { hour: number }>(
  candidates: readonly H[],
  lastRecorded: number | undefined,
  closedBefore: number,
): H[] {
  return candidates
    .filter(
      (c) =>
        c.hour + hourMs <= closedBefore && (lastRecorded === undefined || c.hour > lastRecorded),
    )
    .sort((a, b) => a.hour - b.hour);
}
