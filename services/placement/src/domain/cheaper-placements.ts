import { createHash } from 'node:crypto';
import type { Recommendation } from '@federa/contracts';
import type { Allocation } from './allocation';
import type { ClusterModel } from './cluster-fold';
import { costPerHour } from './cost-model';
import { modeOf } from './drain-plan';
import type { HostEntry } from './host-entry';
import type { PlacementStack } from './placement-stack';
import { requestForApplication } from './request-for-application';

export interface CheaperPlacementOptions {
  /** The smallest saving per hour worth a move. */
  minSavingPerHour: number;
  /** Only instances that run now are moved; every claimed instance counts when absent. */
  isRunning?: (instance: string) => boolean;
  /** Only the instances of this service, as they stand in the list of all services' moves. */
  service?: string;
}

interface Move {
  allocation: Allocation;
  from: HostEntry;
  to: HostEntry;
  before: number;
  after: number;
}

/**
 * Cheaper placements that keep every rule: for each running relocatable instance that is not
 * moving, the cheapest host (by the stack's cost model) among those every placement filter lets it
 * move to, when that saves at least `minSavingPerHour`. Instances are taken biggest saving first,
 * and each recommended move holds its room on its target while the rest are planned, as a
 * migration does; its claim on its source stays counted, so every recommendation can be applied
 * alone, in any order. The state is given back as it was found. Biggest saving first.
 * With `service`, that service's moves of the whole list: every service's moves hold room, so a
 * service's own list computed apart could name targets and ids the whole list does not have, and
 * applying a recommendation checks its id against the whole list.
 */
export function findCheaperPlacements(
  stack: PlacementStack,
  model: Pick<ClusterModel, 'state' | 'catalog'>,
  options: CheaperPlacementOptions,
): Recommendation[] {
  const { state } = model;
  const movable = state.everyAllocation().filter((allocation) => {
    if (!allocation.relocatable || state.reservation(allocation.instance)) return false;
    if (options.isRunning && !options.isRunning(allocation.instance)) return false;
    return state.host(allocation.host)?.state === 'ready';
  });
  const worthIt = (move: Move | undefined): move is Move =>
    move !== undefined && move.before - move.after >= options.minSavingPerHour - 1e-9;
  const firstLook = movable
    .map((allocation) => cheapestMove(stack, model, allocation))
    .filter(worthIt)
    .sort(bySaving);
  const moves: Move[] = [];
  try {
    for (const { allocation } of firstLook) {
      // Earlier moves hold room now: the target may have filled, or another host become best.
      const move = cheapestMove(stack, model, allocation);
      if (!worthIt(move)) continue;
      moves.push(move);
      state.reserve({ ...allocation, host: move.to.id, costPerHour: move.after });
    }
  } finally {
    for (const move of moves) state.unreserve(move.allocation.instance);
  }
  return moves
    .filter((m) => options.service === undefined || m.allocation.service === options.service)
    .sort(bySaving)
    .map((move) => recommendationOf(model, move));
}

/** The cheapest host the instance may move to, by the same filters as a placement; none when its spec is gone. */
function cheapestMove(
  stack: PlacementStack,
  { state, catalog }: Pick<ClusterModel, 'state' | 'catalog'>,
  allocation: Allocation,
): Move | undefined {
  const spec = catalog.get(allocation.service);
  const application = spec?.applications.find((a) => a.name === allocation.app);
  const from = state.host(allocation.host);
  if (!spec || !application || !application.placement.relocatable || !from) return undefined;
  const request = requestForApplication(spec, allocation.app, allocation.instance);
  const { candidates } = stack.relocationCandidates(request, state, { exclude: from.id });
  const price = (host: HostEntry) =>
    rounded(costPerHour(allocation.resources, host, stack.costModel));
  let best: Move | undefined;
  // Candidates come best score first: among equal prices, the placement scorers' choice wins.
  for (const candidate of candidates) {
    const to = state.host(candidate.host)!;
    const after = price(to);
    if (!best || after < best.after) best = { allocation, from, to, before: 0, after };
  }
  if (best) best.before = price(from);
  return best;
}

function recommendationOf(
  { catalog }: Pick<ClusterModel, 'catalog'>,
  { allocation, from, to, before, after }: Move,
): Recommendation {
  const { instance, service, app } = allocation;
  const application = catalog.get(service)!.applications.find((a) => a.name === app)!;
  const savingPerHour = rounded(before - after);
  return {
    id: recommendationId(allocation, from, to),
    instance,
    service,
    app,
    from: from.id,
    to: to.id,
    mode: modeOf(application, from, to),
    costPerHour: { before, after },
    savingPerHour,
    message: `move ${instance} from ${from.id} to ${to.id}: ${savingPerHour.toFixed(2)}/h less`,
  };
}

/**
 * What the recommendation is, and the position of the cluster it was computed at: the instance's
 * claim and both hosts' allocation streams. Any move onto or off either host, or of the instance,
 * gives another id, so that applying a recommendation listed before such a change is refused.
 */
export function recommendationId(allocation: Allocation, from: HostEntry, to: HostEntry): string {
  const position = [
    allocation.instance,
    from.id,
    to.id,
    allocation.placedAt ?? 0,
    from.allocationVersion ?? 0,
    to.allocationVersion ?? 0,
  ].join('|');
  return `rec-${createHash('sha256').update(position).digest('hex').slice(0, 16)}`;
}

function bySaving(a: Move, b: Move): number {
  const saving = b.before - b.after - (a.before - a.after);
  return saving !== 0 ? saving : a.allocation.instance.localeCompare(b.allocation.instance);
}

function rounded(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
