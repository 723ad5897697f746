import type { ClusterState } from './cluster-state';
import type { PlacementDecision } from './placement-decision';
import type { PlacementRequest } from './placement-request';
import type { PlacementStack } from './placement-stack';

/**
 * Where the requests would go now, as one batch; leaves the state as it found it. With `without`, as
 * if that service's instances were gone: where a fresh deploy of it would go.
 */
export function dryRun(
  stack: PlacementStack,
  state: ClusterState,
  requests: readonly PlacementRequest[],
  options: { without?: string } = {},
): PlacementDecision[] {
  const set = options.without ? state.allocationsOfService(options.without) : [];
  for (const allocation of set) state.release(allocation.instance);
  try {
    const decisions = stack.decideBatch(requests, state);
    stack.undoBatch(decisions, state);
    return decisions;
  } finally {
    for (const allocation of set) state.allocate(allocation);
  }
}
