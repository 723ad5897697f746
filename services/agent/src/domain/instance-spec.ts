import { join } from 'node:path';
import type { InstanceSpecPayload, ServiceEndpoints } from '@federa/contracts';
import { newerEndpoints } from './workload-environment';
import type { InstanceSpec } from '../layers/layer-driver';

/** Where instance `x` keeps its data: `<instancesDir>/x/data` (its other files sit beside it). */
export function instanceDir(instancesDir: string, instance: string): string {
  return join(instancesDir, instance);
}

/** What the agent knows of discovery when it starts an instance. */
export interface WorkloadDiscovery {
  /** The newest set of the service the agent holds from the discovery bucket. */
  endpointsOf(service: string): ServiceEndpoints | undefined;
  /** The service's FEDERA_DISCOVERY_URL as seen from this host. */
  discoveryUrlOf(service: string): string | undefined;
}

/**
 * What a layer is asked to run for a command's spec: the agent chooses the data directory itself,
 * and gives the workload the newer of the command's endpoints and those it holds.
 */
export function instanceSpecOf(
  payload: InstanceSpecPayload,
  instancesDir: string,
  discovery?: WorkloadDiscovery,
): InstanceSpec {
  const spec: InstanceSpec = {
    instance: payload.instance,
    service: payload.service,
    app: payload.app,
    artifact: payload.artifact,
    resources: { ...payload.resources },
    dataDir: join(instanceDir(instancesDir, payload.instance), 'data'),
  };
  if (payload.health) spec.health = { ...payload.health } as InstanceSpec['health'];
  if (payload.env) spec.env = { ...payload.env };
  if (payload.backupEveryMs) spec.backupEveryMs = payload.backupEveryMs;
  const endpoints = newerEndpoints(payload.endpoints, discovery?.endpointsOf(payload.service));
  if (endpoints) spec.endpoints = endpoints;
  const discoveryUrl = discovery?.discoveryUrlOf(payload.service);
  if (discoveryUrl) spec.discoveryUrl = discoveryUrl;
  return spec;
}
