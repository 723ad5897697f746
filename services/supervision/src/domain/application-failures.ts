import type { InstanceView } from './instance-view';

export interface FailureRecord {
  /** Instances of the application that failed since one of them was last healthy and stayed so. */
  consecutive: number;
  /** ms since epoch of the latest of those failures. */
  lastAt?: number;
  lastReason?: string;
}

/** A failed instance that had been healthy at least this long proved the application sound. @default 60000 */
export const stableAfterMs = 60_000;

/**
 * Failures of one application's instances since any of them last turned healthy (for backoff and
 * health). An instance that turned healthy and then failed within `stableMs` resets nothing: an
 * application that starts well and sickens soon after is backed off like one that crashes at once.
 */
export function failuresOf(
  instances: readonly InstanceView[],
  stableMs = stableAfterMs,
): FailureRecord {
  const resets = instances
    .filter((i) => i.healthyAt && (i.state !== 'failed' || livedMs(i) >= stableMs))
    .map((i) => Date.parse(i.healthyAt as string));
  const lastHealthy = Math.max(0, ...resets);
  const failed = instances
    .filter(
      (i) => i.state === 'failed' && Date.parse(i.since) >= lastHealthy && !failedWithItsHost(i),
    )
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

/** How long a failed instance lived from its first healthy answer to its failure. */
function livedMs(instance: InstanceView): number {
  return Date.parse(instance.since) - Date.parse(instance.healthyAt as string);
}

/**
 * Failed because its host went down or stayed cut off (the `cause` supervision records, never the
 * words, which an agent's detail may echo): the application did nothing wrong, so it is neither
 * backed off nor called failed for it.
 */
function failedWithItsHost(instance: InstanceView): boolean {
  return instance.cause !== undefined;
}
