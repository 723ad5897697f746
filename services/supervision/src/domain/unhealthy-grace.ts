import type { InstanceView } from './instance-view';

/**
 * How long an instance may stay unhealthy before supervision stops and replaces it. The agent
 * reports it unhealthy only after the application's `failureThreshold` failed probes in a row; the
 * grace leaves room for a recovery (a dependency coming back, a long pause) on top of that.
 * @default 10000 (FEDERA_UNHEALTHY_GRACE_MS)
 */
export const defaultUnhealthyGraceMs = 10_000;

/** True when `instance` has been unhealthy for `graceMs` or longer at `now` (stranded ones are left be). */
export function unhealthyPastGrace(instance: InstanceView, now: number, graceMs: number): boolean {
  if (instance.state !== 'unhealthy' || instance.stranded) return false;
  return now - Date.parse(instance.since) >= graceMs;
}

/** Why an instance stopped for staying unhealthy failed, as its InstanceFailed event says (the decider's words). */
export { unhealthyFailureReason } from '@federa/instance-lifecycle';
