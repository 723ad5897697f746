import { decideInstance, InstanceCommandRefused } from '@federa/instance-lifecycle';
import type { ClusterState } from './cluster-state';
import {
  instancePlacedData,
  placementFailedData,
  reservationsOnHost,
  reservationsWithout,
} from './decision-events';
import type { FoldedLife, InstanceLives } from './instance-lives';
import { isDropped, type DroppedPlacement } from './placement-answer';
import type { PlacementDecision } from './placement-decision';
import type { PlacementRequest } from './placement-request';
import { PlacementStack } from './placement-stack';
import type { PlacementCommand, PlannedInstance, RoundPlan } from './round-plan';

type Placed = Extract<PlacementDecision, { outcome: 'placed' }>;

/**
 * Decides rounds (the scheduler of Nomad's plan and apply): the stack chooses each pending instance's
 * host against the cluster state, and the instance decider turns the choice into the event its stream
 * records. Pure: the state it is given is the only thing it changes.
 */
export class PlacementPlanner {
  constructor(readonly stack: PlacementStack = new PlacementStack()) {}

  /**
   * Decides the requests one after the other, each seeing the ones before it (every placement is
   * applied to `state`; `undo` takes them back out). Only pending instances are decided, each once.
   */
  plan(
    requests: readonly PlacementRequest[],
    state: ClusterState,
    lives: InstanceLives,
  ): RoundPlan {
    const instances: PlannedInstance[] = [];
    const dropped: DroppedPlacement[] = [];
    const inRound = new Set<string>();
    for (const request of requests) {
      const folded = lives.of(request.instance);
      if (folded.life.status !== 'pending' || inRound.has(request.instance)) {
        const why = inRound.has(request.instance) ? 'asked twice in one round' : folded.life.status;
        dropped.push(droppedOf(request, `instance is ${why}`));
        continue;
      }
      inRound.add(request.instance);
      const decision = this.stack.decide(request, state);
      const planned = instanceOf(decision, commandOf(decision, state), folded);
      if (isDropped(planned)) {
        dropped.push(planned);
        continue;
      }
      if (decision.outcome === 'placed') state.allocate(decision.allocation);
      instances.push(planned);
    }
    return { instances, ledgers: ledgersOf(instances, state), dropped };
  }

  /**
   * The same decision asked again of the instance's stream as it now is (after another writer
   * appended to it): the event to append at its new version, or dropped when the decider refuses or
   * finds nothing to record. Changes nothing: a dropped placement is still to be undone.
   */
  redecide(planned: PlannedInstance, folded: FoldedLife): PlannedInstance | DroppedPlacement {
    return instanceOf(planned.decision, planned.command, folded);
  }

  /**
   * Takes the chosen instances out of the plan and their placements out of `state` (restoring the
   * claims they replaced); the hosts' reservations left are counted again. Answers what was taken out.
   */
  undo(
    plan: RoundPlan,
    chosen: (planned: PlannedInstance) => boolean,
    state: ClusterState,
  ): PlannedInstance[] {
    const removed = plan.instances.filter(chosen);
    if (removed.length === 0) return removed;
    this.stack.undoBatch(
      removed.map((p) => p.decision),
      state,
    );
    const gone = new Set(removed.map((p) => p.decision.request.instance));
    plan.instances = plan.instances.filter((p) => !gone.has(p.decision.request.instance));
    for (const planned of removed) {
      if (planned.decision.outcome !== 'placed') continue;
      const host = planned.decision.allocation.host;
      const left = reservationsWithout(plan.ledgers.get(host) ?? [], (i) => gone.has(i));
      if (left.length > 0) plan.ledgers.set(host, left);
      else plan.ledgers.delete(host);
    }
    return removed;
  }
}

/** The command telling the instance's stream about a decision, its data built while the state is as decided. */
function commandOf(decision: PlacementDecision, state: ClusterState): PlacementCommand {
  if (decision.outcome === 'failed')
    return { type: 'fail-placement', data: placementFailedData(decision) };
  const epoch = state.host(decision.allocation.host)?.epoch ?? 1;
  return { type: 'place', data: instancePlacedData(decision, epoch) };
}

/** The instance's part of the round, or dropped when its stream's decider will not record the decision. */
function instanceOf(
  decision: PlacementDecision,
  command: PlacementCommand,
  { life, version }: FoldedLife,
): PlannedInstance | DroppedPlacement {
  let events;
  try {
    events = decideInstance(command, life);
  } catch (error) {
    if (error instanceof InstanceCommandRefused) return droppedOf(decision.request, error.message);
    throw error;
  }
  if (events.length !== 1) {
    return droppedOf(decision.request, `instance is ${life.status}: nothing to record`);
  }
  return { decision, command, event: events[0], expected: version };
}

function ledgersOf(
  instances: readonly PlannedInstance[],
  state: ClusterState,
): RoundPlan['ledgers'] {
  const byHost = new Map<string, Placed[]>();
  for (const { decision } of instances) {
    if (decision.outcome !== 'placed') continue;
    const onHost = byHost.get(decision.allocation.host);
    if (onHost) onHost.push(decision);
    else byHost.set(decision.allocation.host, [decision]);
  }
  const ledgers: RoundPlan['ledgers'] = new Map();
  for (const [host, placed] of byHost)
    ledgers.set(host, reservationsOnHost(state.host(host)!, placed));
  return ledgers;
}

function droppedOf(request: PlacementRequest, reason: string): DroppedPlacement {
  return { outcome: 'dropped', request, reason };
}
