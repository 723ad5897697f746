import {
  ErrorCodes,
  FederaError,
  type ServiceState as ServiceStateName,
  type ServiceSummary,
} from '@federa/contracts';
import { instanceSummary } from '@federa/instance-list/domain';
import { isLive, type InstanceView } from './instance-view';
import { assessServiceHealth } from './service-health';
import { declaredProbeOf, recordedProbeStanding } from './service-probe-standing';
import type { ServiceState } from './service-decider';

// The answers' shapes are the API's, defined with the others in libs/contracts.
export type { ApplicationSummary, InstanceSummary, ServiceSummary } from '@federa/contracts';
export { instanceSummary };

/** The service with its applications' desired and healthy counts and live instances; not_found when it does not exist. */
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
  const standing = recordedProbeStanding(state);
  const declared = declaredProbeOf(state);
  const health = assessServiceHealth(targets, instances, standing);
  return {
    name: state.name,
    state: existingStatus(state),
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
    ...(declared && standing
      ? {
          probe: {
            application: declared.application,
            path: declared.path,
            lastResult: standing.result,
            ...(standing.at ? { lastAt: standing.at } : {}),
            ...(standing.reason ? { reason: standing.reason } : {}),
          },
        }
      : {}),
  };
}

function existingStatus(state: ServiceState): ServiceStateName {
  if (state.status === 'absent' || state.status === 'deleted') {
    throw new FederaError(ErrorCodes.notFound, `service ${state.name} not found`);
  }
  return state.status;
}
