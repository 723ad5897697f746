import { join } from 'node:path';
import type { InstanceSpecPayload } from '@federa/contracts';
import type { InstanceSpec } from '../layers/layer-driver';

/** Where instance `x` keeps its data: `<instancesDir>/x/data` (its other files sit beside it). */
export function instanceDir(instancesDir: string, instance: string): string {
  return join(instancesDir, instance);
}

/** What a layer is asked to run for a command's spec: the agent chooses the data directory itself. */
export function instanceSpecOf(payload: InstanceSpecPayload, instancesDir: string): InstanceSpec {
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
  return spec;
}
