import type {
  FilterRejection,
  InstancePlacedData,
  PlacementCandidate,
  PlacementFailedData,
} from '@federa/contracts';

/** Why an instance is where it is (`GET /v1/placements/{instanceId}`): the latest decision about it. */
export interface PlacementRecord {
  instance: string;
  service: string;
  app: string;
  outcome: 'placed' | 'failed';
  /** null when placement failed. */
  host: string | null;
  scores: { total: number; byScorer: Record<string, number> } | null;
  costPerHour: number | null;
  hostsConsidered: number;
  /** Hosts rejected, by filter, most frequent first. */
  rejected: FilterRejection[];
  candidates: PlacementCandidate[];
  message: string;
  /** Log position of the event that recorded the decision. */
  position: number;
}

export function recordOfPlaced(data: InstancePlacedData, position: number): PlacementRecord {
  const rejected = data.rejected ?? [];
  return {
    instance: data.instance,
    service: data.service,
    app: data.app,
    outcome: 'placed',
    host: data.host,
    scores: data.scores,
    costPerHour: data.costPerHour,
    hostsConsidered: data.hostsConsidered,
    rejected,
    candidates: data.candidates ?? [],
    message:
      `placed on ${data.host} (score ${data.scores.total})` +
      (rejected.length
        ? `; ${rejected.map((r) => r.detail ?? `${r.hosts} hosts: ${r.filter}`).join(', ')}`
        : ''),
    position,
  };
}

export function recordOfFailed(data: PlacementFailedData, position: number): PlacementRecord {
  return {
    instance: data.instance,
    service: data.service,
    app: data.app,
    outcome: 'failed',
    host: null,
    scores: null,
    costPerHour: null,
    hostsConsidered: data.hostsConsidered,
    rejected: data.reasons,
    candidates: [],
    message: data.message,
    position,
  };
}
