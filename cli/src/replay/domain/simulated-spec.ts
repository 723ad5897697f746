/** A recorded service manifest rewritten for simulated workloads, and what was changed. */
export interface SimulatedSpec {
  manifest: unknown;
  /** One line per change, for people: `replay: shop: service probe dropped: ...`. */
  rewrites: string[];
}

type Application = {
  name?: unknown;
  artifact?: { env?: Record<string, string> } & Record<string, unknown>;
  scaling?: { scaleOutAbove?: unknown; scaleInBelow?: unknown };
} & Record<string, unknown>;

/**
 * The recorded manifest as the replay's simulated hosts can run it. Their workloads answer no
 * HTTP, so a service-level probe (spec.serviceProbe, a GET that supervision asks an agent to make
 * on a real workload) would never pass and the service never become available: it is dropped,
 * and said so. A simulated workload's load drifts with time unless its env fixes `SIM_LOAD`; an
 * application that scales on it would scale out and in as it drifts, which the recording never
 * showed: its load is held between its scale-in and scale-out thresholds, and said so (the
 * recording's own scaling is not re-driven). Everything else runs against the simulation as
 * recorded: instance health probes are answered by the sim layer, data moves and backups carry
 * its synthetic data.
 */
export function simulatedSpec(service: string, manifest: unknown): SimulatedSpec {
  const body = manifest as { spec?: Record<string, unknown> } | null;
  if (typeof body?.spec !== 'object' || body.spec === null) return { manifest, rewrites: [] };
  const rewrites: string[] = [];
  let spec: Record<string, unknown> = body.spec;
  if ('serviceProbe' in spec) {
    const { serviceProbe: _dropped, ...rest } = spec;
    spec = rest;
    rewrites.push(`replay: ${service}: service probe dropped: its workloads are simulated`);
  }
  if (Array.isArray(spec.applications)) {
    spec = {
      ...spec,
      applications: (spec.applications as Application[]).map((app) => {
        if (typeof app?.scaling !== 'object' || app.scaling === null) return app;
        if (app.artifact?.env?.SIM_LOAD !== undefined) return app;
        const load = heldLoad(app.scaling.scaleInBelow, app.scaling.scaleOutAbove);
        rewrites.push(
          `replay: ${service}/${String(app.name)}: simulated load held at ${load}: its recorded scaling is not re-driven`,
        );
        return {
          ...app,
          artifact: { ...app.artifact, env: { ...app.artifact?.env, SIM_LOAD: String(load) } },
        };
      }),
    };
  }
  return rewrites.length === 0 ? { manifest, rewrites } : { manifest: { ...body, spec }, rewrites };
}

/** Halfway between the thresholds, where neither scaling acts; 0.5 when they are not both numbers. */
function heldLoad(scaleInBelow: unknown, scaleOutAbove: unknown): number {
  if (typeof scaleInBelow !== 'number' || typeof scaleOutAbove !== 'number') return 0.5;
  return Math.round(((scaleInBelow + scaleOutAbove) / 2) * 1000) / 1000;
}
