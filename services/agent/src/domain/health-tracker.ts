export interface HealthState {
  /** undefined until the first probe answers healthy. */
  healthy: boolean | undefined;
  consecutiveFailures: number;
}

/** Before its first healthy answer an application is still starting: it gets this many times the threshold. */
export const STARTUP_FAILURE_FACTOR = 5;

/**
 * Folds one probe result into an instance's health: healthy at the first success, unhealthy only
 * after `failureThreshold` failures in a row (one slow answer does not flap the instance), or
 * `failureThreshold × STARTUP_FAILURE_FACTOR` while it has never been healthy (still booting).
 */
export function nextHealth(
  previous: HealthState,
  probeHealthy: boolean,
  failureThreshold: number,
): HealthState {
  if (probeHealthy) return { healthy: true, consecutiveFailures: 0 };
  const failures = previous.consecutiveFailures + 1;
  const threshold =
    previous.healthy === undefined ? failureThreshold * STARTUP_FAILURE_FACTOR : failureThreshold;
  return {
    healthy: failures >= threshold ? false : previous.healthy,
    consecutiveFailures: failures,
  };
}
