import {
  ErrorCodes,
  FederaError,
  type DrainMoveMode,
  type DrainPlan,
  type DrainPlanBlocked,
  type DrainPlanMove,
  type NormalisedApplication,
} from '@federa/contracts';
import type { Allocation } from './allocation';
import type { ClusterModel } from './cluster-fold';
import { costPerHour } from './cost-model';
import { drainOrder } from './drain-order';
import { describeRejections } from './explanation';
import type { HostEntry } from './host-entry';
import type { PlacementRequest } from './placement-request';
import type { PlacementStack } from './placement-stack';
import { describeRejection, type RejectionReason } from './rejection-reason';
import { requestForApplication } from './request-for-application';

/** The drain to plan: the host, and with `with`, the one new host everything would go to. */
export interface DrainPlanQuery {
  host: string;
  with?: string;
}

/** Layers that can move a running instance between hosts. */
const liveLayers: ReadonlySet<string> = new Set(['qemu']);

/**
 * What a drain of `query.host` would do now: each of its instances, in the order the drain moves
 * them, either with the host the placement rules would choose (as for a migration target, the
 * drained host excluded) or blocked with the rule that keeps it. Each planned move is applied to the
 * state while planning, so later instances see the room earlier ones took; the state is given back
 * as it was found. Bad input is refused naming the field.
 */
export function planDrain(
  stack: PlacementStack,
  model: Pick<ClusterModel, 'state' | 'catalog'>,
  query: DrainPlanQuery,
): DrainPlan {
  const { state, catalog } = model;
  const drained = refuseBadQuery(model, query);
  const price = (allocation: Allocation, host: HostEntry) =>
    rounded(costPerHour(allocation.resources, host, stack.costModel));
  const moves: DrainPlanMove[] = [];
  const blocked: DrainPlanBlocked[] = [];
  const before: number[] = [];
  const after: number[] = [];
  const displaced: Allocation[] = [];
  try {
    for (const allocation of drainOrder(state.allocationsOn(drained.id), catalog)) {
      const { instance, service, app } = allocation;
      const cost = price(allocation, drained);
      before.push(cost);
      const block = (reason: string) => {
        blocked.push({ instance, service, app, reason });
        after.push(cost);
      };
      const application = catalog.get(service)?.applications.find((a) => a.name === app);
      if (!application) {
        block(`no spec for ${service}/${app}: the rules it may move by are unknown`);
        continue;
      }
      if (!application.placement.relocatable || !allocation.relocatable) {
        block('not relocatable (placement.relocatable: false)');
        continue;
      }
      const request = requestForApplication(catalog.get(service)!, app, instance);
      const { candidates, rejected } = stack.relocationCandidates(request, state, {
        exclude: drained.id,
        ...(query.with ? { to: query.with } : {}),
      });
      const chosen = candidates[0];
      if (!chosen) {
        block(noTargetReason(request, rejected, query.with));
        continue;
      }
      const target = state.host(chosen.host)!;
      const moved = { before: cost, after: price(allocation, target) };
      moves.push({
        instance,
        service,
        app,
        from: drained.id,
        to: target.id,
        mode: modeOf(application, drained, target),
        costPerHour: moved,
      });
      after.push(moved.after);
      displaced.push(allocation);
      state.allocate({
        instance,
        service,
        app,
        host: target.id,
        resources: { ...request.resources },
        costPerHour: chosen.costPerHour,
        excludes: [...request.antiAffinity],
        relocatable: true,
      });
    }
  } finally {
    for (const allocation of displaced.reverse()) state.allocate(allocation);
  }
  return {
    host: drained.id,
    ...(query.with ? { with: query.with } : {}),
    moves,
    blocked,
    costPerHour: { before: sum(before), after: sum(after) },
  };
}

/** The drained host; throws for an unknown host, or a `with` that cannot be a replacement. */
function refuseBadQuery({ state }: Pick<ClusterModel, 'state'>, query: DrainPlanQuery): HostEntry {
  const drained = state.host(query.host);
  if (!drained) {
    throw new FederaError(ErrorCodes.notFound, `no host ${query.host}`, [
      { path: 'host', reason: 'no such host' },
    ]);
  }
  if (query.with === undefined) return drained;
  if (query.with === query.host) {
    throw new FederaError(
      ErrorCodes.validation,
      `with must name another host than ${query.host}, the one being emptied`,
      [{ path: 'with', reason: 'is the host being emptied' }],
    );
  }
  const replacement = state.host(query.with);
  if (!replacement) {
    throw new FederaError(ErrorCodes.conflict, `no host ${query.with} to move the instances to`, [
      { path: 'with', reason: 'no such host' },
    ]);
  }
  if (replacement.state !== 'ready') {
    throw new FederaError(
      ErrorCodes.conflict,
      `with: ${query.with} is ${replacement.state} and cannot take the instances of ${query.host}`,
      [{ path: 'with', reason: `the host is ${replacement.state}` }],
    );
  }
  return drained;
}

/** Why no host can take the instance, in the words of a failed placement or migration target. */
function noTargetReason(
  request: PlacementRequest,
  rejected: readonly { host: string; filter: RejectionReason }[],
  replacement: string | undefined,
): string {
  if (replacement) {
    const { filter } = rejected[0];
    return `${replacement} cannot take ${request.instance}: ${filter} (${describeRejection(filter, 1, request)})`;
  }
  if (rejected.length === 0)
    return `no host can take ${request.instance}: no other host is registered`;
  const counts: Partial<Record<RejectionReason, number>> = {};
  for (const { filter } of rejected) counts[filter] = (counts[filter] ?? 0) + 1;
  return `no host can take ${request.instance} (${request.service}/${request.app}): ${describeRejections(counts, request)}`;
}

/** live: a VM between two qemu hosts; cold: its data is copied while it is stopped; else started first. */
function modeOf(application: NormalisedApplication, from: HostEntry, to: HostEntry): DrainMoveMode {
  if (
    liveLayers.has(application.layer) &&
    from.layers.includes(application.layer) &&
    to.layers.includes(application.layer)
  ) {
    return 'live';
  }
  return application.data !== null ? 'cold' : 'make-before-break';
}

function sum(values: readonly number[]): number {
  return rounded(values.reduce((total, value) => total + value, 0));
}

function rounded(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
