import { dependencyOrder, type DependencyNode } from './dependency-graph';

/** An instance as a drain orders it. */
export interface DrainOrderEntry {
  instance: string;
  service: string;
  app: string;
}

/**
 * The order a drain moves a host's instances in, the same for the drain and its dry run: service by
 * service, each service's dependents before what they depend on (the reverse of its start order), so
 * that nothing loses a dependency still in use while its dependents run; then by instance.
 * Applications `applicationsOf` does not know (a service without a spec) come last in their service.
 */
export function drainOrder<T extends DrainOrderEntry>(
  instances: readonly T[],
  applicationsOf: (service: string) => readonly DependencyNode[] | undefined,
): T[] {
  const stopOrders = new Map<string, string[]>();
  const stopOrder = (service: string): string[] => {
    let order = stopOrders.get(service);
    if (!order) {
      order = dependencyOrder(applicationsOf(service) ?? []).reverse();
      stopOrders.set(service, order);
    }
    return order;
  };
  const rank = (entry: T): number => {
    const index = stopOrder(entry.service).indexOf(entry.app);
    return index < 0 ? Number.MAX_SAFE_INTEGER : index;
  };
  return [...instances].sort(
    (a, b) => compare(a.service, b.service) || rank(a) - rank(b) || compare(a.instance, b.instance),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
