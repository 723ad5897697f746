import type {
  FilterRejection,
  HostAllocationChangedData,
  InstancePlacedData,
  PlacementCandidate,
  PlacementFailedData,
} from '@federa/contracts';
import type { Explanation, HostScore } from './explanation';
import type { HostEntry } from './host-entry';
import type { PlacementDecision } from './placement-decision';
import { describeRejection, rejectionReasons } from './rejection-reason';
import type { PlacementRequest } from './placement-request';
import { amountsOf } from './resource-amounts';
import { addResources, type Resources } from './resources';

/** Runners-up kept in InstancePlaced beside the chosen host: enough to explain, small enough to log. */
export const CANDIDATES_RECORDED = 5;

type Placed = Extract<PlacementDecision, { outcome: 'placed' }>;
type Failed = Extract<PlacementDecision, { outcome: 'failed' }>;

/** One reservation in `allocation-<host>`; `allocatedAfter` is the host's total once it is made. */
export function reservationData(
  decision: Placed,
  allocatedAfter: Resources,
): HostAllocationChangedData {
  const { allocation } = decision;
  return {
    host: allocation.host,
    instance: allocation.instance,
    service: allocation.service,
    app: allocation.app,
    change: 'reserved',
    resources: amountsOf(allocation.resources),
    allocated: amountsOf(allocatedAfter),
  };
}

/**
 * The reservations of one host's placements from one batch, each with the host's running total
 * (the host's allocation now includes the whole batch).
 */
export function reservationsOnHost(
  host: HostEntry,
  placed: readonly Placed[],
): HostAllocationChangedData[] {
  const running = { ...host.allocated };
  for (const decision of placed) addResources(running, decision.allocation.resources, -1);
  return placed.map((decision) => {
    addResources(running, decision.allocation.resources);
    return reservationData(decision, running);
  });
}

/**
 * A host's reservations from one round without those of some instances, the running totals of the
 * rest counted again from the total the host had before the round.
 */
export function reservationsWithout(
  reservations: readonly HostAllocationChangedData[],
  gone: (instance: string) => boolean,
): HostAllocationChangedData[] {
  if (reservations.length === 0) return [];
  const [first] = reservations;
  const running = { ...first.allocated };
  for (const kind of amountKinds) running[kind] -= first.resources[kind];
  return reservations
    .filter((r) => !gone(r.instance))
    .map((r) => {
      for (const kind of amountKinds) running[kind] += r.resources[kind];
      return { ...r, allocated: { ...running } };
    });
}

const amountKinds = ['cpuMillis', 'memoryBytes', 'storageBytes', 'bandwidthBps'] as const;

/** InstancePlaced: the host, the scores, and the rejected hosts and candidates that explain it. */
export function instancePlacedData(decision: Placed, hostEpoch: number): InstancePlacedData {
  const { allocation, chosen, explanation, request } = decision;
  return {
    service: allocation.service,
    app: allocation.app,
    instance: allocation.instance,
    host: allocation.host,
    layer: request.layer as InstancePlacedData['layer'],
    resources: amountsOf(allocation.resources),
    scores: { total: roundScore(chosen.total), byScorer: roundScores(chosen.scores) },
    hostsConsidered: explanation.hostsVisited,
    hostEpoch,
    costPerHour: roundCost(chosen.costPerHour),
    rejected: rejectionsOf(explanation, request),
    candidates: decision.candidates.slice(0, CANDIDATES_RECORDED).map(candidateOf),
  };
}

/** PlacementFailed: every rejected host counted under its reason, and the one-line story. */
export function placementFailedData(decision: Failed): PlacementFailedData {
  const { request, explanation } = decision;
  return {
    service: request.service,
    app: request.app,
    instance: request.instance,
    reasons: rejectionsOf(explanation, request),
    hostsConsidered: explanation.hostsVisited,
    message: explanation.summary,
  };
}

export function rejectionsOf(
  explanation: Explanation,
  request: PlacementRequest,
): FilterRejection[] {
  return rejectionReasons
    .filter((reason) => (explanation.rejected[reason] ?? 0) > 0)
    .map((reason) => {
      const hosts = explanation.rejected[reason] ?? 0;
      return { filter: reason, hosts, detail: describeRejection(reason, hosts, request) };
    })
    .sort((a, b) => b.hosts - a.hosts);
}

function candidateOf(score: HostScore): PlacementCandidate {
  return {
    host: score.host,
    total: roundScore(score.total),
    costPerHour: roundCost(score.costPerHour),
    byScorer: roundScores(score.scores),
  };
}

/**
 * Scores are logged to 4 decimals: enough to explain a choice, and 17-digit doubles made printing the
 * JSON of a round a measurable part of committing it (docs/BENCHMARKS.md).
 */
function roundScore(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

function roundScores(scores: Readonly<Record<string, number>>): Record<string, number> {
  const rounded: Record<string, number> = {};
  for (const name in scores) rounded[name] = roundScore(scores[name]);
  return rounded;
}

function roundCost(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
