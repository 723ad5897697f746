import { isLive, type InstanceView } from '../domain/instance-view';
import { assessServiceHealth } from '../domain/service-health';
import type { ServiceState } from '../domain/service-decider';

/** An instance as the API shows it: `id, service, app, host, layer, state, since`. */
export interface InstanceSummary {
  id: string;
  service: string;
  app: string;
  host: string | null;
  layer: string;
  state: string;
  since: string;
  revision: number;
  reason?: string;
}

export interface ApplicationSummary {
  name: string;
  desired: number;
  healthy: number;
  min: number;
  max: number;
  dependsOn: string[];
  reason?: string;
  instances: InstanceSummary[];
}

/** A service as the API shows it: `name, state, applications[{name, desired, healthy, instances[]}]`. */
export interface ServiceSummary {
  name: string;
  state: string;
  revision: number;
  deployedRevision: number;
  copiedFrom?: string;
  startOrder: string[];
  applications: ApplicationSummary[];
}

export function instanceSummary(instance: InstanceView): InstanceSummary {
  return {
    id: instance.id,
    service: instance.service,
    app: instance.app,
    host: instance.host ?? null,
    layer: instance.layer,
    state: instance.state,
    since: instance.since,
    revision: instance.revision,
    ...(instance.reason ? { reason: instance.reason } : {}),
  };
}

/** The service with its applications' desired and healthy counts and live instances. */
export function serviceSummary(
  state: ServiceState,
  instances: readonly InstanceView[],
): ServiceSummary {
  const model = state.deployed ?? state.model;
  const apps = model?.applications ?? [];
  const targets = apps.map((a) => ({
    name: a.name,
    min: a.replicas.min,
    desired: state.running ? (state.desired[a.name] ?? a.replicas.min) : 0,
  }));
  const health = assessServiceHealth(targets, instances);
  return {
    name: state.name,
    state: state.status,
    revision: state.revision,
    deployedRevision: state.deployedRevision,
    ...(state.copiedFrom ? { copiedFrom: state.copiedFrom } : {}),
    startOrder: model?.startOrder ?? [],
    applications: apps.map((app, i) => ({
      name: app.name,
      desired: targets[i].desired,
      healthy: health.applications[i].healthy,
      min: app.replicas.min,
      max: app.replicas.max,
      dependsOn: app.dependsOn,
      ...(state.running && health.applications[i].reason
        ? { reason: health.applications[i].reason }
        : {}),
      instances: instances.filter((x) => x.app === app.name && isLive(x)).map(instanceSummary),
    })),
  };
}
