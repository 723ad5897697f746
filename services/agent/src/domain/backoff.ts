export interface BackoffPolicy {
  /** @default 250 */
  baseMs: number;
  /** @default 5000 */
  maxMs: number;
}

/** Delay before retry number `attempt` (0-based): exponential, capped, with full jitter in its upper half. */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = { baseMs: 250, maxMs: 5000 },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
