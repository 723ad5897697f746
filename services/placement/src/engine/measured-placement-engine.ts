import { performance } from 'node:perf_hooks';
import type { PlacementAnswer } from '../domain/placement-answer';
import type { PlacementRequest } from '../domain/placement-request';
import { PlacementEngine, type PlacementCause } from './placement-engine';
import { recordPlacement } from './placement-metrics';

/** The placement engine of a service process: each placement call, answered or thrown, is recorded in the metrics. */
export class MeasuredPlacementEngine extends PlacementEngine {
  override async place(
    requests: readonly PlacementRequest[],
    cause: PlacementCause | ((instance: string) => PlacementCause),
  ): Promise<PlacementAnswer[]> {
    const started = performance.now();
    // A call that throws is timed too (with no decisions): the slow and failed ones matter most.
    let answers: PlacementAnswer[] = [];
    try {
      answers = await super.place(requests, cause);
      return answers;
    } finally {
      recordPlacement((performance.now() - started) / 1000, answers);
    }
  }
}
