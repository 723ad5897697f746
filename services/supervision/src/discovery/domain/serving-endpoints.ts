import type {
  ApplicationEndpoints,
  DiscoveredInstance,
  NormalisedApplication,
  ServiceEndpoints,
} from '@federa/contracts';
import { isLive, type InstanceView } from '../../domain/instance-view';
import type { ServiceState } from '../../domain/service-decider';

/**
 * Whether dependents should be sent to this instance: it passes its health check (or runs, when its
 * application has none), its agent said where it answers, and its host is not down or cut off.
 */
export function isServing(instance: InstanceView, app: NormalisedApplication | undefined): boolean {
  if (!instance.endpoint || !instance.host || instance.stranded) return false;
  if (instance.state === 'healthy' || instance.servingWhileMoving === true) return true;
  return instance.state === 'running' && app?.health.probe.kind === 'none';
}

/**
 * Every application of the service with its serving instances (ordered by id, so that the same set
 * always reads the same), or undefined when the service should have no key: it is not meant to run
 * and nothing of it serves any more (stopped, deleted, never deployed). A running service whose
 * applications serve nothing yet has a key all the same, with empty lists: a valid, empty set.
 */
export function servingApplications(
  state: ServiceState,
  instances: readonly InstanceView[],
): ApplicationEndpoints[] | undefined {
  const model = state.deployed ?? state.model;
  // Grouped once by application: filtering every instance per application is quadratic at the limits.
  const byApp = new Map<string, InstanceView[]>();
  for (const i of instances) {
    if (i.service !== state.name) continue;
    const mine = byApp.get(i.app);
    if (mine) mine.push(i);
    else byApp.set(i.app, [i]);
  }
  const applications = (model?.applications ?? []).map((app) => ({
    name: app.name,
    instances: (byApp.get(app.name) ?? [])
      .filter((i) => isServing(i, app))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(discovered),
  }));
  const serving = applications.some((a) => a.instances.length > 0);
  if (!state.running && !serving) return undefined;
  if (state.status === 'absent' || state.status === 'deleted') return undefined;
  return applications;
}

/**
 * The hosts whose agents get the service's discovery key: every host where one of its instances
 * lives (placed there, starting, running, stopping, lost) and every host one moves to. Only they run
 * workloads that read the service's endpoints; no other agent learns them.
 */
export function discoveryHosts(service: string, instances: readonly InstanceView[]): Set<string> {
  const hosts = new Set<string>();
  for (const instance of instances) {
    if (instance.service !== service || !isLive(instance)) continue;
    if (instance.host) hosts.add(instance.host);
    if (instance.movingTo) hosts.add(instance.movingTo);
  }
  return hosts;
}

/**
 * What to write for a service given what the bucket holds: the new value (its version above the
 * held one, at least the log position it reflects), `delete` when the key should go, or undefined
 * when the bucket already says it.
 */
export function endpointsToWrite(
  service: string,
  applications: ApplicationEndpoints[] | undefined,
  held: ServiceEndpoints | undefined,
  position: number,
  now: number,
): ServiceEndpoints | 'delete' | undefined {
  if (!applications) return held ? 'delete' : undefined;
  if (held && sameApplications(held.applications, applications)) return undefined;
  return {
    service,
    version: Math.max(position, held ? held.version + 1 : 0),
    updatedAt: now,
    applications,
  };
}

/** The same applications with the same instances at the same endpoints, in the same order. */
export function sameApplications(
  a: readonly ApplicationEndpoints[],
  b: readonly ApplicationEndpoints[],
): boolean {
  return JSON.stringify(a.map(canonical)) === JSON.stringify(b.map(canonical));
}

function canonical(app: ApplicationEndpoints): unknown {
  return [
    app.name,
    app.instances.map((i) => [i.instance, i.host, i.address, i.port, i.guestAddress ?? null]),
  ];
}

function discovered(instance: InstanceView): DiscoveredInstance {
  const endpoint = instance.endpoint as NonNullable<InstanceView['endpoint']>;
  return {
    instance: instance.id,
    host: instance.host as string,
    address: endpoint.address,
    port: endpoint.port,
    ...(endpoint.guestAddress ? { guestAddress: endpoint.guestAddress } : {}),
  };
}
