import type { Allocation } from './allocation';
import type { ServiceCatalog } from './service-catalog';

/**
 * The order a drain moves a host's instances in: service by service, each service's dependents
 * before what they depend on (the reverse of its start order), so that nothing loses a dependency
 * that is still in use while its dependents run. Applications the catalogue does not know come last.
 */
export function drainOrder(
  allocations: readonly Allocation[],
  catalog: ServiceCatalog,
): Allocation[] {
  const rank = (allocation: Allocation): number => {
    const order = catalog.get(allocation.service)?.startOrder ?? [];
    const index = order.indexOf(allocation.app);
    return index < 0 ? Number.MAX_SAFE_INTEGER : order.length - 1 - index;
  };
  return [...allocations].sort(
    (a, b) => compare(a.service, b.service) || rank(a) - rank(b) || compare(a.instance, b.instance),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
