import {
  ErrorCodes,
  FederaError,
  parseServiceSpec,
  type PlacementPlan,
  type PlacementPlanInstance,
} from '@federa/contracts';
import { instancePlacedData, rejectionsOf } from '../domain/decision-events';
import type { PlacementRequest } from '../domain/placement-request';
import { requestForApplication } from '../domain/request-for-application';
import type { PlacementEngine } from '../engine/placement-engine';

/**
 * Plans every instance a spec asks for (each application's `replicas.min`) as one batch against the
 * current cluster without the service's own instances (where a fresh deploy would go), changing
 * nothing. A spec that does not validate is refused with every error.
 */
export async function planPlacement(
  engine: PlacementEngine,
  plain: unknown,
): Promise<PlacementPlan> {
  const parsed = parseServiceSpec(plain);
  if (!parsed.ok) {
    throw new FederaError(
      ErrorCodes.validation,
      'invalid service spec',
      parsed.errors.map((e) => ({ path: e.path ? `spec.${e.path}` : 'spec', reason: e.reason })),
    );
  }
  const spec = parsed.value.normalised;
  const requests: PlacementRequest[] = spec.startOrder.flatMap((name) => {
    const app = spec.applications.find((a) => a.name === name)!;
    return Array.from({ length: app.replicas.min }, (_, i) =>
      requestForApplication(spec, name, `plan-${spec.name}-${name}-${i + 1}`),
    );
  });
  // A fresh deploy of the spec: the service's running instances (if any) would be replaced.
  const decisions = await engine.plan(requests, { without: spec.name });
  const instances = decisions.map((decision): PlacementPlanInstance => {
    if (decision.outcome === 'placed') {
      const data = instancePlacedData(
        decision,
        engine.state.host(decision.allocation.host)?.epoch ?? 1,
      );
      return {
        app: decision.request.app,
        instance: decision.request.instance,
        outcome: 'placed',
        host: data.host,
        scores: data.scores,
        costPerHour: data.costPerHour,
        rejected: data.rejected ?? [],
        candidates: data.candidates ?? [],
        message: decision.explanation.summary,
      };
    }
    return {
      app: decision.request.app,
      instance: decision.request.instance,
      outcome: 'failed',
      host: null,
      scores: null,
      costPerHour: null,
      rejected: rejectionsOf(decision.explanation, decision.request),
      candidates: [],
      message: decision.explanation.summary,
    };
  });
  return {
    service: spec.name,
    feasible: instances.every((i) => i.outcome === 'placed'),
    costPerHour:
      Math.round(instances.reduce((sum, i) => sum + (i.costPerHour ?? 0), 0) * 1e6) / 1e6,
    instances,
  };
}
