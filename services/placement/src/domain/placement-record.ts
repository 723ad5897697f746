import type {
  InstancePlacedData,
  PlacementExplanation,
  PlacementFailedData,
} from '@federa/contracts';

/** Why an instance is where it is (`GET /v1/placements/{instanceId}`): the latest decision about it. */
export type PlacementRecord = PlacementExplanation;

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
