/** A recorded service manifest rewritten for simulated workloads, and what was changed. */
export interface SimulatedSpec {
  manifest: unknown;
  /** One line per change, for people: `replay: shop: service probe dropped: ...`. */
  rewrites: string[];
}

/**
 * The recorded manifest as the replay's simulated hosts can run it. Their workloads answer no
 * HTTP, so a service-level probe (spec.serviceProbe, a GET that supervision asks an agent to make
 * on a real workload) would never pass and the service never become available: it is dropped,
 * and said so. Everything else runs against the simulation as recorded: instance health probes
 * are answered by the sim layer, data moves and backups carry its synthetic data.
 */
export function simulatedSpec(service: string, manifest: unknown): SimulatedSpec {
  const body = manifest as { spec?: Record<string, unknown> } | null;
  if (typeof body?.spec !== 'object' || body.spec === null || !('serviceProbe' in body.spec))
    return { manifest, rewrites: [] };
  const { serviceProbe: _dropped, ...spec } = body.spec;
  return {
    manifest: { ...body, spec },
    rewrites: [`replay: ${service}: service probe dropped: its workloads are simulated`],
  };
}
