import { backoffCeilingMs, type BackoffPolicy } from '@federa/runtime/backoff';

/**
 * How long to wait before replacing an application's instance again: the shared backoff's ceiling,
 * without jitter. The plan is a pure function of the log, recomputed on every tick and shown to
 * operators ("backing off after 3 failures", `wakeAt`): a random draw would move under their eyes.
 * Only supervision's one leader requests replacements, so there is no herd to spread.
 */
export type BackoffSettings = BackoffPolicy;

/** @default baseMs 500, maxMs 30000 */
export const defaultBackoff: BackoffSettings = { baseMs: 500, maxMs: 30_000 };

/** 0 or 1 failure → no wait (a lone crash is replaced at once); n ≥ 2 → baseMs·2^(n−2), capped at maxMs. */
export function restartDelayMs(
  consecutiveFailures: number,
  settings: BackoffSettings = defaultBackoff,
): number {
  if (consecutiveFailures <= 1) return 0;
  return backoffCeilingMs(consecutiveFailures - 2, settings);
}

/** The earliest time (ms since epoch) a replacement may be requested after the last failure. */
export function nextRestartAt(
  consecutiveFailures: number,
  lastFailureAt: number | undefined,
  settings: BackoffSettings = defaultBackoff,
): number {
  if (consecutiveFailures <= 1 || lastFailureAt === undefined) return 0;
  return lastFailureAt + restartDelayMs(consecutiveFailures, settings);
}
