import type { Subjects } from '@federa/contracts';
import { DiscardPolicy, nanos, RetentionPolicy, StorageType, type StreamConfig } from 'nats';

/** How long JetStream remembers message ids for deduplication; the relay republishes within it. @default 2 min */
export const eventStreamDuplicateWindowMs = 120_000;

/**
 * What an operator sets on the event stream (`FEDERA_STREAM_*`, docs/reference/configuration.md).
 * A setting left out is not managed: a new stream gets its default (one replica, no limit), an
 * existing stream keeps what it has, so that a limit set by hand is never undone by an unset variable.
 */
export interface EventStreamSettings {
  /** Copies of the stream in a NATS cluster, 1 to 5 (`FEDERA_STREAM_REPLICAS`). */
  replicas?: number;
  /** Messages older than this are discarded from the stream; 0: kept for ever (`FEDERA_STREAM_MAX_AGE`). */
  maxAgeMs?: number;
  /** The oldest messages are discarded beyond this size; 0: no limit (`FEDERA_STREAM_MAX_BYTES`). */
  maxBytes?: number;
}

/** One node, no limit: what Federa has always created. */
export const defaultEventStreamSettings: Required<EventStreamSettings> = {
  replicas: 1,
  maxAgeMs: 0,
  maxBytes: 0,
};

/** The variable that sets each setting, for messages that tell an operator what to change. */
export const eventStreamSettingVariables: Record<keyof EventStreamSettings, string> = {
  replicas: 'FEDERA_STREAM_REPLICAS',
  maxAgeMs: 'FEDERA_STREAM_MAX_AGE',
  maxBytes: 'FEDERA_STREAM_MAX_BYTES',
};

/** The configuration the event stream is created with. */
export function eventStreamConfig(
  subjects: Subjects,
  wanted: EventStreamSettings,
): Partial<StreamConfig> & { name: string } {
  const settings = { ...defaultEventStreamSettings, ...definedOnly(wanted) };
  return {
    name: subjects.eventStream,
    subjects: [subjects.allEvents],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: settings.replicas,
    max_age: nanos(settings.maxAgeMs),
    max_bytes: settings.maxBytes > 0 ? settings.maxBytes : -1,
    duplicate_window: nanos(eventStreamDuplicateWindowMs),
  };
}

/** What to do with an existing event stream, given the settings wanted of it. */
export type EventStreamPlan =
  | { action: 'keep' }
  /** Update to `config`; `changes` says each one in words, `warnings` what the stream loses by it. */
  | { action: 'update'; config: StreamConfig; changes: string[]; warnings: string[] }
  /** Leave it, and stop: each reason names what differs and what to do. */
  | { action: 'refuse'; reasons: string[] };

/**
 * Compares the stream as it is with the settings wanted of it (docs/adr/event-stream-settings.md).
 * Replicas and limits that `wanted` names are updated, both ways; a limit that becomes tighter comes with a warning, as
 * JetStream then discards what lies beyond it. What JetStream cannot change on a stream (storage,
 * retention) or what makes it another stream (not holding the event subjects) is refused. A stream
 * that would refuse publishes once full (discard `new` with a size or count limit) is set to discard
 * its oldest messages instead. Without
 * `wanted` (a process that only reads the stream) the stream is taken as it is, but for a duplicate
 * window shorter than the relay's republishing needs, which is widened.
 */
export function planEventStreamChange(
  current: StreamConfig,
  subjects: Subjects,
  wanted?: EventStreamSettings,
): EventStreamPlan {
  const name = current.name;
  const changes: string[] = [];
  const warnings: string[] = [];
  const config: StreamConfig = { ...current };
  if (wanted) {
    const reasons: string[] = [];
    if (current.storage !== StorageType.File)
      reasons.push(
        `stream ${name} keeps its messages in ${current.storage}, the event stream keeps them on file, ` +
          'and JetStream cannot change the storage of a stream: delete the stream to have it created again',
      );
    if (current.retention !== RetentionPolicy.Limits)
      reasons.push(
        `stream ${name} has retention ${current.retention}, the event stream has retention limits, ` +
          'and JetStream cannot change the retention of a stream: delete the stream to have it created again',
      );
    if (!(current.subjects ?? []).includes(subjects.allEvents))
      reasons.push(
        `stream ${name} does not hold the subjects ${subjects.allEvents} (it holds ${
          (current.subjects ?? []).join(', ') || 'none'
        }): it is not Federa's event stream; delete or rename it`,
      );
    if (reasons.length > 0) return { action: 'refuse', reasons };

    if (wanted.replicas !== undefined && current.num_replicas !== wanted.replicas) {
      changes.push(
        `replicas ${current.num_replicas} → ${wanted.replicas} (${eventStreamSettingVariables.replicas})`,
      );
      if (wanted.replicas < current.num_replicas)
        warnings.push(
          `stream ${name} keeps ${wanted.replicas} cop${wanted.replicas === 1 ? 'y' : 'ies'} instead of ${current.num_replicas}: it survives fewer lost servers`,
        );
      config.num_replicas = wanted.replicas;
    }
    const maxAge = nanos(wanted.maxAgeMs ?? 0);
    if (wanted.maxAgeMs !== undefined && current.max_age !== maxAge) {
      changes.push(
        `max age ${describeAge(current.max_age)} → ${describeAge(maxAge)} (${eventStreamSettingVariables.maxAgeMs})`,
      );
      if (tighter(maxAge, current.max_age))
        warnings.push(
          `stream ${name} now discards messages older than ${describeAge(maxAge)} (the event log keeps them)`,
        );
      config.max_age = maxAge;
    }
    const maxBytes = normalBytes(wanted.maxBytes ?? -1);
    if (wanted.maxBytes !== undefined && normalBytes(current.max_bytes) !== maxBytes) {
      changes.push(
        `max bytes ${describeBytes(current.max_bytes)} → ${describeBytes(maxBytes)} (${eventStreamSettingVariables.maxBytes})`,
      );
      if (tighter(maxBytes, normalBytes(current.max_bytes)))
        warnings.push(
          `stream ${name} now discards its oldest messages beyond ${describeBytes(maxBytes)} (the event log keeps them)`,
        );
      config.max_bytes = maxBytes;
    }
    // With discard `new`, a stream at its size or count limit refuses every publish, and the relay
    // would retry for ever: the event stream drops its oldest messages instead (the log keeps them).
    if (current.discard === DiscardPolicy.New && hasSizeOrCountLimit(config)) {
      changes.push(
        `discard new → old (a full stream would refuse every publish; it drops its oldest messages instead)`,
      );
      config.discard = DiscardPolicy.Old;
    }
  }
  const window = nanos(eventStreamDuplicateWindowMs);
  if (current.duplicate_window < window) {
    changes.push(
      `duplicate window ${describeAge(current.duplicate_window)} → ${describeAge(window)}`,
    );
    config.duplicate_window = window;
  }
  return changes.length === 0
    ? { action: 'keep' }
    : { action: 'update', config, changes, warnings };
}

/**
 * Whether a server's refusal is about placing the replicas: fewer servers with JetStream are up than
 * the replicas asked (one down, or still starting, or a cluster smaller than asked, or no cluster).
 * Unlike a refusal of the stream's shape, it says nothing against the stream as it is.
 */
export function isReplicaPlacementRefusal(message: string): boolean {
  return /no suitable peers|insufficient resources|replicas > 1 not supported/i.test(message);
}

/** Whether the stream has a limit that fills it (JetStream writes "none" as -1, some tools as 0). */
function hasSizeOrCountLimit(config: StreamConfig): boolean {
  return config.max_bytes > 0 || config.max_msgs > 0 || (config.max_msgs_per_subject ?? 0) > 0;
}

function definedOnly(settings: EventStreamSettings): EventStreamSettings {
  return Object.fromEntries(
    Object.entries(settings).filter(([, value]) => value !== undefined),
  ) as EventStreamSettings;
}

/** Whether limit `next` holds less than `previous`; a limit of 0 or below is none. */
function tighter(next: number, previous: number): boolean {
  return next > 0 && (previous <= 0 || next < previous);
}

/** JetStream writes "no byte limit" as -1 (and some tools as 0). */
function normalBytes(bytes: number): number {
  return bytes > 0 ? bytes : -1;
}

function describeAge(ns: number): string {
  if (ns <= 0) return 'none';
  const ms = Math.round(ns / 1e6);
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function describeBytes(bytes: number): string {
  return bytes > 0 ? `${bytes} bytes` : 'none';
}
