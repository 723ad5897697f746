import { isLive, type InstanceView } from './instance-view';
import { unhealthyFailureReason } from './unhealthy-grace';

/** An instance event to record because an agent saw the instance in a new state. */
export interface ObservedChange {
  type:
    | 'InstanceRunning'
    | 'InstanceHealthy'
    | 'InstanceUnhealthy'
    | 'InstanceStopped'
    | 'InstanceFailed';
  detail?: string;
}

/**
 * What an agent's observation (`state` of `instance` on `host`) means for the log, given what the log
 * says: a change to record, or nothing (same state, a stale agent, a dead instance, a step already past).
 */
export function observedChange(
  view: InstanceView | undefined,
  host: string,
  state: string,
  detail?: string,
): ObservedChange | undefined {
  if (!view || !isLive(view) || view.host !== host || view.state === 'migrating') return undefined;
  const early = view.state === 'placed' || view.state === 'starting';
  switch (state) {
    case 'running':
      return early ? { type: 'InstanceRunning' } : undefined;
    case 'healthy':
      return view.state !== 'healthy' && view.state !== 'stopping'
        ? { type: 'InstanceHealthy' }
        : undefined;
    case 'unhealthy':
      return view.state !== 'unhealthy' && view.state !== 'stopping'
        ? { type: 'InstanceUnhealthy', detail: detail ?? 'health probe failing' }
        : undefined;
    case 'stopped':
    case 'failed':
      // Stopped for staying unhealthy: a failure of the application, counted for backoff and health.
      if (view.state === 'stopping' && view.reason === 'unhealthy')
        return { type: 'InstanceFailed', detail: unhealthyFailureReason };
      if (view.state === 'stopping') return { type: 'InstanceStopped' };
      if (view.state === 'pending' || view.state === 'placed') return undefined;
      return {
        type: 'InstanceFailed',
        detail: detail ?? (state === 'stopped' ? 'stopped unexpectedly' : 'failed'),
      };
    default:
      return undefined;
  }
}
