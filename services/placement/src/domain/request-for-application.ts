import type { NormalisedServiceSpec } from '@federa/contracts';
import { appKey, type PlacementRequest, type SpreadRule } from './placement-request';

/**
 * The placement request for one instance of `app` in `spec`, with the service's rules resolved to
 * application keys: a bare name means an application of this service, `service/app` one of another.
 * Throws when the service has no such application.
 */
export function requestForApplication(
  spec: NormalisedServiceSpec,
  app: string,
  instance: string,
): PlacementRequest {
  const application = spec.applications.find((a) => a.name === app);
  if (!application) throw new Error(`service ${spec.name} has no application ${app}`);
  const key = appKey(spec.name, app);
  const resolve = (ref: string): string => (ref.includes('/') ? ref : appKey(spec.name, ref));
  const antiAffinity = new Set<string>();
  const spread: SpreadRule[] = [];
  for (const rule of spec.rules) {
    const apps = rule.apps.map(resolve);
    if (!apps.includes(key)) continue;
    if (rule.kind === 'antiAffinity') apps.forEach((a) => antiAffinity.add(a));
    else spread.push({ over: rule.over, apps });
  }
  const { placement, resources } = application;
  return {
    instance,
    service: spec.name,
    app,
    layer: application.layer,
    resources: {
      cpu: resources.cpuMillis,
      memory: resources.memoryBytes,
      storage: resources.storageBytes,
      bandwidth: resources.bandwidthBps,
    },
    ...(placement.emphasis ? { emphasis: placement.emphasis } : {}),
    minSecurityLevel: placement.minSecurityLevel,
    ...(placement.sites ? { sites: placement.sites } : {}),
    relocatable: placement.relocatable,
    antiAffinity: [...antiAffinity],
    spread,
    ...(spec.budget.maxCostPerHour !== null ? { maxCostPerHour: spec.budget.maxCostPerHour } : {}),
  };
}
