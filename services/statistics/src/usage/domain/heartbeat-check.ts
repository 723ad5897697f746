import { HOST_ID_PATTERN, INSTANCE_ID_PATTERN, type FieldError } from '@federa/contracts';

/** One instance's usage in a heartbeat: rates and levels as the agent sampled them. */
export interface InstanceSample {
  instance: string;
  cpuMillis: number;
  memoryBytes: number;
  storageBytes: number;
  /** Bytes per second received and sent; half of the total each when the agent does not split. */
  networkInBytes: number;
  networkOutBytes: number;
  load: number | undefined;
}

/** The part of an AgentHeartbeat that statistics reads. */
export interface UsageHeartbeat {
  host: string;
  epoch: number;
  seq: number;
  sentAt: number;
  intervalMs: number;
  /** The instances that reported usage; an instance without `usage` is not counted. */
  samples: InstanceSample[];
}

/** An interval longer than this is not a heartbeat interval (the agent's default is 1 s). */
export const maxIntervalMs = 3_600_000;
/** A heartbeat sent longer ago than this is refused: its hour is past recording (48 hours). */
export const maxHeartbeatAgeMs = 48 * 3_600_000;
/** A heartbeat dated further ahead of this clock than this is refused: its agent's clock is wrong. */
export const maxClockAheadMs = 5 * 60_000;

/**
 * The largest figure each usage field may carry, far above any real machine (a million cores,
 * an exbibyte, a terabyte a second) but low enough that a day of them in one minute row stays
 * inside Postgres' bigint: one absurd figure must not make a whole flush fail.
 */
export const usageLimits = {
  cpuMillis: 1e9,
  memoryBytes: 2 ** 60,
  storageBytes: 2 ** 60,
  networkBytes: 1e12,
  networkInBytes: 1e12,
  networkOutBytes: 1e12,
} as const;

type Checked = { ok: true; value: UsageHeartbeat } | { ok: false; errors: FieldError[] };

/**
 * Checks the fields statistics reads from a heartbeat, naming each bad one, and dates one from a
 * clock ahead of `now` (by at most maxClockAheadMs) at `now`. Written out by hand
 * rather than a class-validator pass over AgentHeartbeat: at 10,000 hosts × 10 instances a second,
 * that alone would cost more than the half core the whole ingest may use.
 */
export function checkUsageHeartbeat(
  plain: unknown,
  subjectHost: string,
  now: number = Date.now(),
): Checked {
  if (!isObject(plain)) return { ok: false, errors: [{ path: '', reason: 'must be an object' }] };
  const errors: FieldError[] = [];
  const { host, epoch, seq, sentAt, intervalMs, instances } = plain;
  if (typeof host !== 'string' || !HOST_ID_PATTERN.test(host)) {
    errors.push({ path: 'host', reason: 'must be a host id' });
  } else if (host !== subjectHost) {
    errors.push({ path: 'host', reason: `must match the subject's host ${subjectHost}` });
  }
  if (!isCount(epoch, 1))
    errors.push({ path: 'epoch', reason: 'must be an integer of at least 1' });
  if (!isCount(seq, 1)) errors.push({ path: 'seq', reason: 'must be an integer of at least 1' });
  if (!isCount(sentAt, 0)) {
    errors.push({ path: 'sentAt', reason: 'must be a time in ms since the Unix epoch' });
  } else if (
    (sentAt as number) < now - maxHeartbeatAgeMs ||
    (sentAt as number) > now + maxClockAheadMs
  ) {
    errors.push({
      path: 'sentAt',
      reason: 'must be within the last 48 hours and at most 5 minutes ahead of statistics’ clock',
    });
  }
  if (!isCount(intervalMs, 1) || (intervalMs as number) > maxIntervalMs) {
    errors.push({ path: 'intervalMs', reason: `must be an integer from 1 to ${maxIntervalMs}` });
  }
  const samples: InstanceSample[] = [];
  if (!Array.isArray(instances)) {
    errors.push({ path: 'instances', reason: 'must be an array' });
  } else {
    const seen = new Map<string, number>();
    for (let i = 0; i < instances.length; i++) {
      const sample = checkInstance(instances[i], `instances[${i}]`, errors);
      if (!sample) continue;
      const first = seen.get(sample.instance);
      if (first !== undefined) {
        // Counted twice otherwise: the same instance's usage would be added once per listing.
        errors.push({
          path: `instances[${i}].instance`,
          reason: `must not repeat instances[${first}]`,
        });
        continue;
      }
      seen.set(sample.instance, i);
      samples.push(sample);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      host: host as string,
      epoch: epoch as number,
      seq: seq as number,
      // Not sent after it arrived: a clock ahead must not count usage in minutes still to come.
      sentAt: Math.min(sentAt as number, now),
      intervalMs: intervalMs as number,
      samples,
    },
  };
}

function checkInstance(
  beat: unknown,
  at: string,
  errors: FieldError[],
): InstanceSample | undefined {
  if (!isObject(beat)) {
    errors.push({ path: at, reason: 'must be an object' });
    return undefined;
  }
  const { instance, load, usage } = beat;
  const before = errors.length;
  if (typeof instance !== 'string' || !INSTANCE_ID_PATTERN.test(instance)) {
    errors.push({ path: `${at}.instance`, reason: 'must be an instance id' });
  }
  if (load !== undefined && !(isAmount(load) && (load as number) <= 1)) {
    errors.push({ path: `${at}.load`, reason: 'must be a number from 0 to 1' });
  }
  if (usage === undefined) return undefined;
  if (!isObject(usage)) {
    errors.push({ path: `${at}.usage`, reason: 'must be an object' });
    return undefined;
  }
  for (const field of ['cpuMillis', 'memoryBytes', 'storageBytes', 'networkBytes'] as const) {
    checkFigure(usage[field], field, `${at}.usage.${field}`, errors);
  }
  for (const field of ['networkInBytes', 'networkOutBytes'] as const) {
    if (usage[field] !== undefined) {
      checkFigure(usage[field], field, `${at}.usage.${field}`, errors);
    }
  }
  if (errors.length > before) return undefined;
  const total = usage.networkBytes as number;
  // An agent older than the split sends the total only: half of it is counted each way.
  const split = usage.networkInBytes !== undefined || usage.networkOutBytes !== undefined;
  return {
    instance: instance as string,
    cpuMillis: usage.cpuMillis as number,
    memoryBytes: usage.memoryBytes as number,
    storageBytes: usage.storageBytes as number,
    networkInBytes: split ? ((usage.networkInBytes as number | undefined) ?? 0) : total / 2,
    networkOutBytes: split ? ((usage.networkOutBytes as number | undefined) ?? 0) : total / 2,
    load: load as number | undefined,
  };
}

function checkFigure(
  value: unknown,
  field: keyof typeof usageLimits,
  path: string,
  errors: FieldError[],
): void {
  if (!isAmount(value) || (value as number) > usageLimits[field]) {
    errors.push({ path, reason: `must be a number from 0 to ${usageLimits[field]}` });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isCount(value: unknown, min: number): boolean {
  return Number.isSafeInteger(value) && (value as number) >= min;
}

function isAmount(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
