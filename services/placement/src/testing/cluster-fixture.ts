import type { Allocation } from '../domain/allocation';
import { ClusterState } from '../domain/cluster-state';
import { defaultCostModel } from '../domain/cost-model';
import { DecisionContext } from '../domain/decision-context';
import type { HostAttributes } from '../domain/host-entry';
import type { PlacementRequest } from '../domain/placement-request';

const GiB = 1024 ** 3;

/** A host with generous defaults; tests override what they are about. */
export function hostAttributes(
  id: string,
  overrides: Partial<HostAttributes> = {},
): HostAttributes {
  return {
    id,
    site: 'geneva',
    securityLevel: 3,
    layers: ['process', 'qemu'],
    capacity: { cpu: 8000, memory: 32 * GiB, storage: 500 * GiB, bandwidth: 10e9 },
    costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
    features: { ups: false, raid: false },
    ...overrides,
  };
}

/** A small process application request for `shop/web`. */
export function request(
  instance: string,
  overrides: Partial<PlacementRequest> = {},
): PlacementRequest {
  return {
    instance,
    service: 'shop',
    app: 'web',
    layer: 'process',
    resources: { cpu: 500, memory: 128 * 1024 ** 2, storage: 1 * GiB, bandwidth: 100e6 },
    antiAffinity: [],
    spread: [],
    ...overrides,
  };
}

/** An allocation of `req` on `host`, as a placement would record it. */
export function allocationOf(req: PlacementRequest, host: string, costPerHour = 0.02): Allocation {
  return {
    instance: req.instance,
    service: req.service,
    app: req.app,
    host,
    resources: { ...req.resources },
    costPerHour,
    excludes: [...req.antiAffinity],
    relocatable: req.relocatable ?? true,
  };
}

export function clusterOf(...hosts: HostAttributes[]): ClusterState {
  const state = new ClusterState();
  for (const host of hosts) state.registerHost(host);
  return state;
}

export function contextFor(req: PlacementRequest, state: ClusterState): DecisionContext {
  return new DecisionContext(req, state, defaultCostModel);
}

/** A deterministic random source (mulberry32), so that visit orders repeat. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export { GiB };
