import type {
  HostAllocationChangedData,
  InstancePlacedData,
  PlacementFailedData,
} from '@federa/contracts';
import type { InstanceEvent } from '@federa/instance-lifecycle';
import type { DroppedPlacement } from './placement-answer';
import type { PlacementDecision } from './placement-decision';

/** What placement asks of an instance's stream: record its host, or that none could take it. */
export type PlacementCommand =
  | { type: 'place'; data: InstancePlacedData }
  | { type: 'fail-placement'; data: PlacementFailedData };

/** One instance's part of a round: the stack's decision and the event the instance decider made of it. */
export interface PlannedInstance {
  decision: PlacementDecision;
  command: PlacementCommand;
  /** InstancePlaced or PlacementFailed, as `decideInstance` produced it. */
  event: InstanceEvent;
  /** The version of `instance-<id>` it was decided at: the expected version of its append. */
  expected: number;
}

/**
 * A round decided and its events built, to be committed together (Nomad's plan): its placements are
 * already applied to the cluster state, and taken back out when not committed.
 */
export interface RoundPlan {
  /** One per decided request, in request order. */
  instances: PlannedInstance[];
  /** Each host's reservations in `allocation-<host>`, in order, each with the host's running total. */
  ledgers: Map<string, HostAllocationChangedData[]>;
  /** Requests not decided: their instances are not pending, or the decider refused. */
  dropped: DroppedPlacement[];
}
