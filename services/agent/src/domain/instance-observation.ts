import type { HealthState } from './health-tracker';
import { isLive } from './instance-states';

/**
 * What a layer's status means for an instance the agent believes is in `state`. `ended`: the layer
 * no longer runs it (failed, unless a migration took it away on purpose); `up`: it runs (now
 * `running` if it was still starting or arriving) and its health is worth probing.
 */
export type StatusVerdict =
  { kind: 'ended'; becomes?: 'failed' } | { kind: 'up'; becomes?: 'running' };

/** Which instances the watch looks at: those meant to run, and those arriving by migration. */
export function isWatched(state: string): boolean {
  return isLive(state) || state === 'migrating';
}

export function judgeStatus(state: string, layerState: string): StatusVerdict {
  if (layerState === 'failed' || layerState === 'stopped') {
    return state === 'migrating' ? { kind: 'ended' } : { kind: 'ended', becomes: 'failed' };
  }
  if (layerState === 'running' && (state === 'starting' || state === 'migrating')) {
    return { kind: 'up', becomes: 'running' };
  }
  return { kind: 'up' };
}

/** The state a health fold leads to, or undefined when the instance stays as it is. */
export function stateAfterHealth(
  state: string,
  health: HealthState,
): 'healthy' | 'unhealthy' | undefined {
  if (health.healthy === true && state !== 'healthy') return 'healthy';
  if (health.healthy === false && state !== 'unhealthy') return 'unhealthy';
  return undefined;
}
