import type {
  InstanceSpecPayload,
  NormalisedApplication,
  ServiceEndpoints,
} from '@federa/contracts';

/**
 * The agent's `start` spec for one instance of an application (health probe, artifact, env), with
 * the service's endpoints as they are when it is sent (the agent sets FEDERA_ENDPOINTS_<APP> from them).
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
