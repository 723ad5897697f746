import type { ApiClient } from '../api-client';
import type { HostAllocation } from './domain/compare-outcomes';
import { countInstance, hostOutcomeState, type Outcome } from './domain/outcome';

interface Page<T> {
  items: T[];
  next?: string;
}

interface HostItem extends HostAllocation {
  state: string;
  cordoned: boolean;
}

interface ServiceItem {
  name: string;
  state: string;
}

interface InstanceItem {
  service: string;
  app: string;
  state: string;
}

/** Every item of a paged list (GET /v1/hosts, services, instances), following `next`. */
export async function readAll<T>(client: ApiClient, path: string): Promise<T[]> {
  const items: T[] = [];
  const join = path.includes('?') ? '&' : '?';
  let after: string | undefined;
  do {
    const query = `limit=500${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`;
    const page = await client.get<Page<T>>(`${path}${join}${query}`);
    items.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return items;
}

/** What the target holds now, in the terms of a replay's comparison, and each host's allocation. */
export interface TargetReading {
  outcome: Outcome;
  allocations: HostAllocation[];
}

/**
 * The target's outcome through its REST reads: hosts, services, and instances of every state (the
 * list answers live ones unless a state is asked for: stopped and failed are read on their own).
 */
export async function readTargetOutcome(client: ApiClient): Promise<TargetReading> {
  // One read at a time: a target under load sheds reads beyond a few at once.
  const hosts = await readAll<HostItem>(client, '/v1/hosts');
  const services = await readAll<ServiceItem>(client, '/v1/services');
  const live = await readAll<InstanceItem>(client, '/v1/instances');
  const stopped = await readAll<InstanceItem>(client, '/v1/instances?state=stopped');
  const failed = await readAll<InstanceItem>(client, '/v1/instances?state=failed');
  const outcome: Outcome = { hosts: {}, services: {}, instances: {} };
  for (const host of hosts) outcome.hosts[host.id] = hostOutcomeState(host.state, host.cordoned);
  for (const service of services) outcome.services[service.name] = service.state;
  for (const instance of [...live, ...stopped, ...failed])
    if (instance.service in outcome.services)
      countInstance(outcome, instance.service, instance.app, instance.state);
  return {
    outcome,
    allocations: hosts.map(({ id, capacity, allocated }) => ({ id, capacity, allocated })),
  };
}

/** What a target already holds, for the refusal of a target that is not empty. */
export async function targetContents(
  client: ApiClient,
): Promise<{ services: string[]; hosts: string[] }> {
  const [services, hosts] = await Promise.all([
    client.get<Page<ServiceItem>>('/v1/services?limit=5'),
    client.get<Page<HostItem>>('/v1/hosts?limit=5'),
  ]);
  return {
    services: services.items.map((s) => s.name),
    hosts: hosts.items.map((h) => h.id),
  };
}
