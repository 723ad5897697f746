import type { ServiceEndpoints } from '../discovery/service-endpoints';
import type { NormalisedApplication } from '../spec/normalised-service-spec';
import type { InstanceSpecPayload } from './instance-spec-payload';

/**
 * The agent's `start` (and `import-data`, `migrate-in`) spec for one instance of an application:
 * health probe, artifact, env and backup cadence, built alike by supervision (a first start) and
 * the migration service (a move's target), so that a moved instance runs as it did before its move.
 * `endpoints`, the service's endpoints as they are when it is sent, sets FEDERA_ENDPOINTS_<APP> on
 * the agent; without it the workload reads them from discovery at its start.
 */
export function instanceStartPayload(
  service: string,
  instance: string,
  app: NormalisedApplication,
  endpoints?: ServiceEndpoints,
): InstanceSpecPayload {
  const { env, ...artifact } = app.artifact;
  const probe = app.health.probe;
  const health =
    probe.kind === 'none'
      ? undefined
      : {
          ...(probe.kind === 'http' ? { http: { path: probe.path } } : { tcp: {} }),
          intervalMs: app.health.intervalMs,
          failureThreshold: app.health.failureThreshold,
        };
  return {
    instance,
    service,
    app: app.name,
    layer: app.layer,
    artifact: artifact as Record<string, unknown>,
    resources: { ...app.resources },
    ...(health ? { health: health as InstanceSpecPayload['health'] } : {}),
    ...(env ? { env } : {}),
    ...(endpoints ? { endpoints } : {}),
    ...(app.data?.backupEveryMs ? { backupEveryMs: app.data.backupEveryMs } : {}),
  } as InstanceSpecPayload;
}
