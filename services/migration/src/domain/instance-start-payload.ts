import type { InstanceSpecPayload, NormalisedApplication } from '@federa/contracts';

/**
 * The agent's `start` (and `import-data`, `migrate-in`) spec for an instance of an application, as
 * supervision builds it for a first start (health probe, artifact, env); the service's endpoints are
 * left to discovery, which the workload reads at its start.
 */
export function instanceStartPayload(
  service: string,
  instance: string,
  app: NormalisedApplication,
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
  } as InstanceSpecPayload;
}
