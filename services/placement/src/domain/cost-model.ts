import {
  defaultCostModel,
  operatingFactor as sharedOperatingFactor,
  reservationCostPerHour,
  type CostModel,
} from '@federa/contracts';
import type { HostEntry } from './host-entry';
import type { Resources } from './resources';

export { defaultCostModel, type CostModel };

/** Cost per hour of `resources` on `host`: rates × resources, times the host's operating-cost factor. */
export function costPerHour(
  resources: Resources,
  host: HostEntry,
  model: CostModel = defaultCostModel,
): number {
  return reservationCostPerHour(resources, host.costs, model) * operatingFactor(host, model);
}

/** 1 + surcharges for UPS and RAID, times the site's factor. */
export function operatingFactor(host: HostEntry, model: CostModel = defaultCostModel): number {
  return sharedOperatingFactor(host.features, host.site, model);
}
