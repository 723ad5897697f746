import type { Resources } from './resources';

/** The public host states; only `ready` hosts take new instances. */
export type HostState = 'ready' | 'suspect' | 'down' | 'draining' | 'drained' | 'retired';

/** A host's cost rates (the agent's host.yaml `costs`). */
export interface HostCosts {
  cpuHour: number;
  memoryGiBHour: number;
  storageGiBMonth: number;
  networkGiB: number;
}

/** Power and disk protection a host offers; they raise its operating cost. */
export interface HostFeatures {
  ups: boolean;
  raid: boolean;
}

/** What inventory says about a host when it registers. */
export interface HostAttributes {
  id: string;
  site: string;
  securityLevel: number;
  layers: readonly string[];
  capacity: Resources;
  costs: HostCosts;
  features: HostFeatures;
}

/** A host as placement sees it: attributes, life-cycle state and what is allocated on it. */
export interface HostEntry extends HostAttributes {
  state: HostState;
  cordoned: boolean;
  /** The agent's fencing epoch, copied into InstancePlaced for the agent to check. */
  epoch: number;
  allocated: Resources;
  /** Version of the last event seen in `allocation-<host>`; undefined while that stream is empty. */
  allocationVersion: number | undefined;
  /**
   * Hosts with the same class answer the class-level filters (layer, state, security, site) alike,
   * so those filters are evaluated once per class per decision.
   */
  classKey: string;
  /** A small number standing for `classKey` (ClusterState numbers the classes it has seen). */
  classId: number;
  /** Position of the host in ClusterState's host array. */
  slot: number;
}

/** The key under which class-level filter answers are shared. */
export function hostClassKey(
  host: Pick<HostEntry, 'site' | 'securityLevel' | 'layers' | 'state' | 'cordoned'>,
): string {
  return `${host.site}|${host.securityLevel}|${[...host.layers].sort().join(',')}|${host.state}|${host.cordoned ? 'c' : ''}`;
}
