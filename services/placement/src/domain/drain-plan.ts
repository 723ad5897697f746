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
import { restoreLedger } from './ledger-restore';
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
 * drained host excluded; the target of its migration when it is already moving) or blocked with the
 * rule that keeps it. Each planned move is applied to the
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
  const ledger = state.everyAllocation();
  try {
    for (const allocation of drainOrder(state.allocationsOn(drained.id), catalog)) {
      const { instance, service, app } = allocation;
      const cost = price(allocation, drained);
      before.push(cost);
      const block = (reason: string) => {
        blocked.push({ instance, service, app, reason });
        after.push(cost);
      };
      const moveTo = (target: HostEntry, application: NormalisedApplication) => {
        const costPerHour = { before: cost, after: price(allocation, target) };
        const mode = modeOf(application, drained, target);
        moves.push({ instance, service, app, from: drained.id, to: target.id, mode, costPerHour });
        after.push(costPerHour.after);
      };
      const application = catalog.get(service)?.applications.find((a) => a.name === app);
      if (!application) {
        block(`no spec for ${service}/${app}`);
        continue;
      }
      if (!application.placement.relocatable || !allocation.relocatable) {
        block('not relocatable (placement.relocatable: false)');
        continue;
      }
      const moving = state.reservation(instance);
      if (moving && moving.host !== drained.id && state.host(moving.host)) {
        // Already on its way: its room on the target is held, and the drain will not move it again.
        moveTo(state.host(moving.host)!, application);
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
      moveTo(state.host(chosen.host)!, application);
      // The move takes its room on the target, so that later instances see what is left.
      state.allocate({
        instance,
        service,
        app,
        host: chosen.host,
        resources: { ...request.resources },
        costPerHour: chosen.costPerHour,
        excludes: [...request.antiAffinity],
        relocatable: true,
      });
    }
  } finally {
    restoreLedger(state, ledger);
  }
  return {
    host: drained.id,
    ...(query.with ? { with: query.with } : {}),
    moves,
    blocked,
    costPerHour: { before: sum(before), after: sum(after) },
  };
}

/**
 * The drained host; throws for an unknown host, or a `with` that could not replace it as inventory
 * would refuse it: the replacement must be another registered host that is ready and not cordoned.
 */
function refuseBadQuery({ state }: Pick<ClusterModel, 'state'>, query: DrainPlanQuery): HostEntry {
  const drained = state.host(query.host);
  if (!drained) {
    throw new FederaError(ErrorCodes.notFound, `no host ${query.host}`, [
      { path: 'host', reason: 'no such host' },
    ]);
  }
  const other = query.with;
  if (other === undefined) return drained;
  if (other === query.host) {
    const reason = `must name another host than ${query.host}`;
    throw new FederaError(ErrorCodes.validation, `a host cannot replace itself: ${reason}`, [
      { path: 'with', reason },
    ]);
  }
  const replacement = state.host(other);
  const why = !replacement
    ? `host ${other} is not registered`
    : replacement.state !== 'ready'
      ? `host ${other} is ${replacement.state}`
      : replacement.cordoned
        ? `host ${other} is cordoned`
        : undefined;
  if (why === undefined) return drained;
  throw new FederaError(
    ErrorCodes.conflict,
    `${other} cannot replace ${query.host}: ${why}; the new host must be ready and take placements`,
    [{ path: 'with', reason: why }],
  );
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
export function modeOf(
  application: NormalisedApplication,
  from: HostEntry,
  to: HostEntry,
): DrainMoveMode {
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
