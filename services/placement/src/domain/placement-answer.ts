import type { PlacementDecision } from './placement-decision';
import type { PlacementRequest } from './placement-request';

/** A request placement did not decide, or whose decision the instance's stream refused. */
export interface DroppedPlacement {
  outcome: 'dropped';
  request: PlacementRequest;
  /** Why, in words: the instance's state, or the instance decider's refusal. */
  reason: string;
}

/**
 * What placing one request came to: committed (placed on a host, or failed) or dropped. Small on
 * purpose: a big placement answers tens of thousands, and decisions (every scored candidate) held
 * until then would outlive the young generation.
 */
export type PlacementAnswer =
  | { outcome: 'placed'; instance: string; host: string }
  | { outcome: 'failed'; instance: string }
  | { outcome: 'dropped'; instance: string; reason: string };

/** True for a dropped request (a planned instance or a decision is not one). */
export function isDropped(answer: object): answer is DroppedPlacement {
  return (answer as Partial<DroppedPlacement>).outcome === 'dropped';
}

/** The answer of a committed decision or of a dropped request. */
export function answerOf(settled: PlacementDecision | DroppedPlacement): PlacementAnswer {
  const instance = settled.request.instance;
  if (settled.outcome === 'placed') {
    return { outcome: 'placed', instance, host: settled.allocation.host };
  }
  if (settled.outcome === 'failed') return { outcome: 'failed', instance };
  return { outcome: 'dropped', instance, reason: settled.reason };
}
