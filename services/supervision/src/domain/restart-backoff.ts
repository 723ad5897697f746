/** Exponential restart backoff: how long to wait before replacing an application's instance again. */
export interface BackoffSettings {
  /** Delay after the first failure. @default 500 */
  baseMs: number;
  /** Longest delay, however many failures. @default 30000 */
  maxMs: number;
}

export const defaultBackoff: BackoffSettings = { baseMs: 500, maxMs: 30_000 };

/** 0 or 1 failure → no wait (a lone crash is replaced at once); n ≥ 2 → baseMs·2^(n−2), capped at maxMs. */
export function restartDelayMs(
  consecutiveFailures: number,
  settings: BackoffSettings = defaultBackoff,
): number {
  if (consecutiveFailures <= 1) return 0;
  const exponent = Math.min(consecutiveFailures - 2, 30);
  return Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
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
