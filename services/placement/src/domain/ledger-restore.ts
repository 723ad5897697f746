import type { Allocation } from './allocation';
import type { ClusterState } from './cluster-state';

/**
 * Gives `state` back the claims of `ledger` (what everyAllocation answered before a trial), in that
 * order. Allocating a claim again re-inserts it last, so a trial move and its undo would change the
 * order everyAllocation promises (the order the claims were made): claims made since are released,
 * then, from the first place the order differs, every claim is allocated again in turn.
 */
export function restoreLedger(state: ClusterState, ledger: readonly Allocation[]): void {
  const kept = new Set(ledger.map((allocation) => allocation.instance));
  for (const { instance } of state.everyAllocation()) {
    if (!kept.has(instance)) state.release(instance);
  }
  const now = state.everyAllocation();
  let first = 0;
  while (first < ledger.length && now[first] === ledger[first]) first++;
  for (const allocation of ledger.slice(first)) state.allocate(allocation);
}
