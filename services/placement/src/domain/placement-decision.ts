import type { Allocation } from './allocation';
import type { Explanation, HostScore } from './explanation';
import type { PlacementRequest } from './placement-request';

/** The outcome of deciding one request: a host with its scores, or a failure with reasons. */
export type PlacementDecision =
  | {
      outcome: 'placed';
      request: PlacementRequest;
      allocation: Allocation;
      /** The claim this placement replaces (the instance was already placed), if any. */
      previous: Allocation | undefined;
      chosen: HostScore;
      /** Every scored candidate, best first. */
      candidates: HostScore[];
      explanation: Explanation;
    }
  | { outcome: 'failed'; request: PlacementRequest; explanation: Explanation };
