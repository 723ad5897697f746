import { backoffDelayMs, type BackoffPolicy } from '@federa/runtime/backoff';

export type { BackoffPolicy };

/** Registration retries: @default baseMs 250, maxMs 5000 */
export const registrationBackoff: BackoffPolicy = { baseMs: 250, maxMs: 5000 };

/**
 * Delay before retry number `attempt` (0-based): the shared backoff with full jitter, so that a fleet
 * of agents re-registering after an inventory outage does not come back in step.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = registrationBackoff,
  random: () => number = Math.random,
): number {
  return backoffDelayMs(attempt, policy, random);
}
