import type { ClusterState } from './cluster-state';
import { restoreLedger } from './ledger-restore';
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
  const ledger = state.everyAllocation();
  if (options.without) {
    for (const allocation of state.allocationsOfService(options.without)) {
      state.release(allocation.instance);
    }
  }
  try {
    return stack.decideBatch(requests, state);
  } finally {
    restoreLedger(state, ledger);
  }
}
