/**
 * Placement's public entry, for the CLI, benchmarks and other services' tests: how to start it and
 * its engine and stack, to measure them. It loads no Nest module: the application is main.ts.
 */
export { PLACEMENT_NODE_FLAGS } from './placement-node-flags';
export {
  PlacementEngine,
  type PlacementCause,
  type PlacementEngineOptions,
  type PlacementStore,
} from './engine/placement-engine';
export { ClusterState } from './domain/cluster-state';
export type { HostAttributes } from './domain/host-entry';
export type { PlacementRequest } from './domain/placement-request';
export { PlacementStack, type PlacementStackOptions } from './domain/placement-stack';
export { resourceKinds, type ResourceKind } from './domain/resources';
