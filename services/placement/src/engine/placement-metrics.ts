import { Counter, Histogram } from 'prom-client';
import type { PlacementAnswer } from '../domain/placement-answer';

export const placementDuration = new Histogram({
  name: 'federa_placement_duration_seconds',
  help: 'Time to answer one placement request batch (one call of the engine: a batch of instance requests, in one or more rounds, queueing behind other jobs of the engine included), appends included',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

export const placements = new Counter({
  name: 'federa_placements_total',
  help: 'Instances placement decided, by outcome: placed on a host, or failed (no host fits)',
  labelNames: ['outcome'] as const,
});

// Both outcomes shown from the first scrape, so that a rate of failures reads 0 rather than no data.
for (const outcome of ['placed', 'failed'] as const) placements.inc({ outcome }, 0);

/**
 * Records one placement call: its duration, and each decision committed. A dropped request (the
 * instance was no longer pending, or its stream refused) is no placement and is not counted.
 */
export function recordPlacement(seconds: number, answers: readonly PlacementAnswer[]): void {
  placementDuration.observe(seconds);
  let placed = 0;
  let failed = 0;
  for (const answer of answers) {
    if (answer.outcome === 'placed') placed++;
    else if (answer.outcome === 'failed') failed++;
  }
  if (placed > 0) placements.inc({ outcome: 'placed' }, placed);
  if (failed > 0) placements.inc({ outcome: 'failed' }, failed);
}
