import type { HostEntry } from './host-entry';
import type { Resources } from './resources';

const GiB = 1024 ** 3;
const HOURS_PER_MONTH = 730;

/**
 * How a host's rates turn into a cost per hour for an application's resources.
 * Bandwidth is reserved, not used, so it is charged at an assumed average utilisation.
 */
export interface CostModel {
  /** Share of the reserved bandwidth an application uses on average. @default 0.1 */
  bandwidthUtilisation: number;
  /** Extra operating cost of a host with a UPS, as a fraction. @default 0.08 */
  upsSurcharge: number;
  /** Extra operating cost of a host with RAID, as a fraction. @default 0.05 */
  raidSurcharge: number;
  /** Multiplier per site (rent, power price); absent sites count 1. */
  siteFactors: Readonly<Record<string, number>>;
}

export const defaultCostModel: CostModel = {
  bandwidthUtilisation: 0.1,
  upsSurcharge: 0.08,
  raidSurcharge: 0.05,
  siteFactors: {},
};

/** Cost per hour of `resources` on `host`: rates × resources, times the host's operating-cost factor. */
export function costPerHour(
  resources: Resources,
  host: HostEntry,
  model: CostModel = defaultCostModel,
): number {
  const { costs } = host;
  const bytesPerHour = (resources.bandwidth / 8) * 3600 * model.bandwidthUtilisation;
  const base =
    (resources.cpu / 1000) * costs.cpuHour +
    (resources.memory / GiB) * costs.memoryGiBHour +
    ((resources.storage / GiB) * costs.storageGiBMonth) / HOURS_PER_MONTH +
    (bytesPerHour / GiB) * costs.networkGiB;
  return base * operatingFactor(host, model);
}

/** 1 + surcharges for UPS and RAID, times the site's factor. */
export function operatingFactor(host: HostEntry, model: CostModel = defaultCostModel): number {
  const surcharge =
    (host.features.ups ? model.upsSurcharge : 0) + (host.features.raid ? model.raidSurcharge : 0);
  return (1 + surcharge) * (model.siteFactors[host.site] ?? 1);
}
