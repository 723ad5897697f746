/**
 * Exponential backoff with a cap: the one schedule every retry and restart in Federa follows.
 * Imported as `@federa/runtime/backoff` (this file alone, no Nest), so that the agent, the CLI, the
 * event store and pure domain code can share it.
 */
export interface BackoffPolicy {
  /** The ceiling of the first wait (attempt 0), in ms. */
  baseMs: number;
  /** The largest ceiling, however many attempts, in ms. */
  maxMs: number;
}

/** Past 2^30 every ceiling is the cap anyway; stopping there keeps the product finite. */
const largestExponent = 30;

/** The ceiling of wait number `attempt` (0-based): baseMs·2^attempt, at most maxMs. */
export function backoffCeilingMs(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), largestExponent);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}

/**
 * Wait number `attempt` with full jitter: uniform in [0, ceiling), so that many clients failing
 * together (writers losing the same race, agents re-registering after an outage) spread out instead
 * of retrying in step. `random` answers in [0, 1), as Math.random does.
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCeilingMs(attempt, policy));
}
