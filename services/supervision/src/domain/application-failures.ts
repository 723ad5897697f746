import type { InstanceView } from './instance-view';

export interface FailureRecord {
  /** Instances of the application that failed since one of them was last healthy. */
  consecutive: number;
  /** ms since epoch of the latest of those failures. */
  lastAt?: number;
  lastReason?: string;
}

/** Failures of one application's instances since any of them last turned healthy (for backoff and health). */
export function failuresOf(instances: readonly InstanceView[]): FailureRecord {
  const lastHealthy = Math.max(
    0,
    ...instances.filter((i) => i.healthyAt).map((i) => Date.parse(i.healthyAt as string)),
  );
  const failed = instances
    .filter((i) => i.state === 'failed' && Date.parse(i.since) >= lastHealthy)
    .sort((a, b) => Date.parse(a.since) - Date.parse(b.since));
  const last = failed[failed.length - 1];
  return last
    ? {
        consecutive: failed.length,
        lastAt: Date.parse(last.since),
        ...(last.reason ? { lastReason: last.reason } : {}),
      }
    : { consecutive: 0 };
}
