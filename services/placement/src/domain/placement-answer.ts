import type { PlacementDecision } from './placement-decision';
import type { PlacementRequest } from './placement-request';

/** A request placement did not decide, or whose decision the instance's stream refused. */
export interface DroppedPlacement {
  outcome: 'dropped';
  request: PlacementRequest;
  /** Why, in words: the instance's state, or the instance decider's refusal. */
  reason: string;
}

/** What placing one request came to: committed (placed or failed) or dropped. */
export type PlacementAnswer = PlacementDecision | DroppedPlacement;

/** True for a dropped request (a planned instance or a decision is not one). */
export function isDropped(answer: object): answer is DroppedPlacement {
  return (answer as Partial<DroppedPlacement>).outcome === 'dropped';
}
