import { backoffCeilingMs, type BackoffPolicy } from '@federa/runtime/backoff';

/** The first startup probes' spacing: applications listen 0.1–2 s after their process starts. */
export const STARTUP_PROBE_BASE_MS = 100;

/**
 * Probes at one spacing before it doubles: doubling at every probe would leave a 1.3 s starter
 * unnoticed until 1.5 s (100 + 200 + 400 + 800 ms); three at each step keep its wait under 0.4 s.
 */
const PROBES_PER_STEP = 3;

/**
 * How long after startup probe number `attempt` (0-based) the next one comes, or undefined once the
 * spacing reaches the instance's own probe interval: from there its normal probes are as frequent.
 * Unjittered: each instance has its own timer, probing its own application, so there is no herd.
 */
export function startupProbeDelayMs(attempt: number, intervalMs: number): number | undefined {
  const policy: BackoffPolicy = { baseMs: STARTUP_PROBE_BASE_MS, maxMs: intervalMs };
  const delay = backoffCeilingMs(Math.floor(attempt / PROBES_PER_STEP), policy);
  return delay < intervalMs ? delay : undefined;
}
