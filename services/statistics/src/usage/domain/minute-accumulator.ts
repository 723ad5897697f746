import { addUsage, GiB, noUsage, type UsageAmounts } from './usage-amounts';
import type { InstanceSample, UsageHeartbeat } from './heartbeat-check';

export const minuteMs = 60_000;

/** One instance's usage over one minute on one host, as it stands in memory before a flush. */
export interface MinuteUsage extends UsageAmounts {
  instance: string;
  /** Start of the minute, ms since the Unix epoch. */
  minute: number;
  host: string;
}

/** The latest agent run (epoch) of a host and the highest heartbeat sequence counted of it. */
export interface HeartbeatMark {
  host: string;
  epoch: number;
  seq: number;
}

/** A host's mark as a batch raises it, with how many of the host's heartbeats the batch holds. */
export interface BatchMark extends HeartbeatMark {
  heartbeats: number;
}

/**
 * What a flush takes: the minutes to add to the table and the marks to raise with them. Batches
 * are written in the order taken and never merged: a batch whose write failed is written again
 * as it was, so that the stored marks tell whether it was written after all (see uncoveredPart).
 */
export interface UsageBatch {
  minutes: MinuteUsage[];
  marks: BatchMark[];
  heartbeats: number;
}

/** counted; replayed: this run's heartbeat was counted before; stale: of a run older than one counted. */
export type Admission = 'counted' | 'replayed' | 'stale';

/**
 * Adds heartbeats up per instance, minute and host, in memory, between flushes. A heartbeat is
 * counted once: each agent run numbers its heartbeats (`seq` +1 from 1, a new `epoch` per run) and
 * publishes them in order on one connection, so a heartbeat at or below the highest sequence
 * counted for its host's epoch is a replay, and one of an older epoch than the host's latest is a
 * stale run's (as inventory and supervision ignore it). One mark per host: the marks are kept in
 * Postgres with the minutes they produced, so a restart keeps them. A heartbeat covers the
 * `intervalMs` before its `sentAt`, and counts in the minute of its `sentAt`.
 */
export class MinuteAccumulator {
  private pending = new Map<string, MinuteUsage>();
  private pendingMarks = new Map<string, BatchMark>();
  private readonly marks = new Map<string, { epoch: number; seq: number }>();
  private heartbeats = 0;

  /** Marks already stored (at start), so that replays of what was counted before are refused. */
  remember(marks: Iterable<HeartbeatMark>): void {
    for (const m of marks) {
      if (isAfter(m, this.marks.get(m.host)))
        this.marks.set(m.host, { epoch: m.epoch, seq: m.seq });
    }
  }

  add(beat: UsageHeartbeat): Admission {
    const mark = this.marks.get(beat.host);
    if (mark && beat.epoch < mark.epoch) return 'stale';
    if (mark && beat.epoch === mark.epoch && beat.seq <= mark.seq) return 'replayed';
    this.marks.set(beat.host, { epoch: beat.epoch, seq: beat.seq });
    const held = this.pendingMarks.get(beat.host)?.heartbeats ?? 0;
    this.pendingMarks.set(beat.host, {
      host: beat.host,
      epoch: beat.epoch,
      seq: beat.seq,
      heartbeats: held + 1,
    });
    this.heartbeats++;
    const minute = beat.sentAt - (beat.sentAt % minuteMs);
    const seconds = beat.intervalMs / 1000;
    for (const sample of beat.samples) {
      const rowKey = `${sample.instance}\u0000${minute}\u0000${beat.host}`;
      let row = this.pending.get(rowKey);
      if (!row) {
        row = { instance: sample.instance, minute, host: beat.host, ...noUsage() };
        this.pending.set(rowKey, row);
      }
      addUsage(row, usageOfSample(sample, seconds));
    }
    return 'counted';
  }

  /** Rows waiting for a flush. */
  get size(): number {
    return this.pending.size;
  }

  /** Hands over everything counted since the last take, and starts afresh. */
  take(): UsageBatch {
    const batch = {
      minutes: [...this.pending.values()],
      marks: [...this.pendingMarks.values()],
      heartbeats: this.heartbeats,
    };
    this.pending = new Map();
    this.pendingMarks = new Map();
    this.heartbeats = 0;
    return batch;
  }
}

/** What one heartbeat's sample adds to its minute. */
export function usageOfSample(sample: InstanceSample, seconds: number): UsageAmounts {
  return {
    cpuSeconds: (sample.cpuMillis / 1000) * seconds,
    memoryGibMinutes: (sample.memoryBytes / GiB) * (seconds / 60),
    storageGibHours: (sample.storageBytes / GiB) * (seconds / 3600),
    networkInBytes: Math.round(sample.networkInBytes * seconds),
    networkOutBytes: Math.round(sample.networkOutBytes * seconds),
    loadSum: sample.load ?? 0,
    loadSamples: sample.load === undefined ? 0 : 1,
    samples: 1,
  };
}

export function isAfter(
  mark: HeartbeatMark,
  than: { epoch: number; seq: number } | undefined,
): boolean {
  return !than || mark.epoch > than.epoch || (mark.epoch === than.epoch && mark.seq > than.seq);
}
