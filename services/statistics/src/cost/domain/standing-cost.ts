import {
  defaultCostModel,
  reservationCostPerHour,
  type CostModel,
  type ReservedResources,
} from '@federa/contracts';
import type { CostedHost, HostRates } from './host-rates';

const HOUR_MS = 3_600_000;

/** One stay of an instance on a host (placement to end; a migration makes two). */
export interface HostStay {
  instance: string;
  resources: ReservedResources;
  /** Epoch ms. */
  from: number;
  /** Epoch ms; undefined while it is there. */
  to?: number;
}

/** A host's standing cost over a window: all of it, the share each instance bears, and the idle rest. */
export interface StandingShares {
  total: number;
  byInstance: Map<string, number>;
  /** Standing cost of the time no instance stood on the host: the host's and site's, nobody's else. */
  idle: number;
}

/**
 * What holding `resources` on a host at its rates would cost per hour: the weight an instance bears
 * of the host's standing cost. Its reservation, not its usage, because the host stands for what it
 * holds whether or not it is busy. Without the host's operating factor: all on one host share it.
 */
export function reservationWeight(
  resources: ReservedResources,
  rates: HostRates,
  model: CostModel = defaultCostModel,
): number {
  return reservationCostPerHour(resources, rates, model);
}

/**
 * The host's `standingPerHour` over [from, to) while it stood in the fleet, spread at every moment
 * over the instances on it by their reservation weights (equally if all weigh nothing).
 */
export function standingShares(
  host: CostedHost,
  stays: readonly HostStay[],
  from: number,
  to: number,
  model: CostModel = defaultCostModel,
): StandingShares {
  const start = Math.max(from, host.since ?? from);
  const end = Math.min(to, host.retiredAt ?? to);
  const byInstance = new Map<string, number>();
  const perMs = host.rates.standingPerHour / HOUR_MS;
  if (end <= start || perMs === 0) return { total: 0, byInstance, idle: 0 };
  const clipped = stays
    .map((s) => ({
      instance: s.instance,
      weight: reservationWeight(s.resources, host.rates, model),
      from: Math.max(start, s.from),
      to: Math.min(end, s.to ?? end),
    }))
    .filter((s) => s.to > s.from);
  const edges = [...new Set([start, end, ...clipped.flatMap((s) => [s.from, s.to])])].sort(
    (a, b) => a - b,
  );
  let idle = 0;
  for (let i = 0; i + 1 < edges.length; i++) {
    const cost = (edges[i + 1] - edges[i]) * perMs;
    const present = clipped.filter((s) => s.from <= edges[i] && s.to >= edges[i + 1]);
    if (present.length === 0) {
      idle += cost;
      continue;
    }
    const weight = present.reduce((sum, s) => sum + s.weight, 0);
    for (const s of present) {
      const share = weight > 0 ? s.weight / weight : 1 / present.length;
      byInstance.set(s.instance, (byInstance.get(s.instance) ?? 0) + cost * share);
    }
  }
  return { total: (end - start) * perMs, byInstance, idle };
}
