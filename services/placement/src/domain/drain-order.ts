import { drainOrder as orderForDrain } from '@federa/contracts';
import type { Allocation } from './allocation';
import type { ServiceCatalog } from './service-catalog';

/**
 * The order a drain moves a host's allocations in: the drain's own order (dependents before what
 * they depend on, service by service), so that a dry run lists moves as the drain will make them.
 */
export function drainOrder(
  allocations: readonly Allocation[],
  catalog: ServiceCatalog,
): Allocation[] {
  return orderForDrain(allocations, (service) => catalog.get(service)?.applications);
}
