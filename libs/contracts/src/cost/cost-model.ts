/**
 * The one cost model: placement optimises for it and statistics charges by it, so that what a
 * placement was chosen to cost is what the cost report says it cost.
 */

const GiB = 1024 ** 3;

/** The month storage is priced by (365 × 24 / 12 hours). */
export const HOURS_PER_MONTH = 730;

/**
 * How a host's rates turn into cost. Bandwidth is reserved, not used, so a reservation of it is
 * charged at an assumed average utilisation.
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

/** A host's rates per resource (the agent's host.yaml `costs`). */
export interface ResourceRates {
  cpuHour: number;
  memoryGiBHour: number;
  storageGiBMonth: number;
  networkGiB: number;
}

/** Resources held on a host, in base units: millicores, bytes, bytes, bits per second. */
export interface ReservedResources {
  cpu: number;
  memory: number;
  storage: number;
  bandwidth: number;
}

/** Power and disk protection a host offers; they raise its operating cost. */
export interface OperatingFeatures {
  ups: boolean;
  raid: boolean;
}

/** Cost per hour of holding `resources` at `rates`, before the host's operating factor. */
export function reservationCostPerHour(
  resources: ReservedResources,
  rates: ResourceRates,
  model: CostModel = defaultCostModel,
): number {
  const bytesPerHour = (resources.bandwidth / 8) * 3600 * model.bandwidthUtilisation;
  return (
    (resources.cpu / 1000) * rates.cpuHour +
    (resources.memory / GiB) * rates.memoryGiBHour +
    ((resources.storage / GiB) * rates.storageGiBMonth) / HOURS_PER_MONTH +
    (bytesPerHour / GiB) * rates.networkGiB
  );
}

/**
 * What a host's cost at its rates is multiplied by: 1 + its UPS and RAID surcharges, times its
 * site's factor. Features and site apart, so that placement's hot path builds no object per call.
 */
export function operatingFactor(
  features: OperatingFeatures,
  site: string,
  model: CostModel = defaultCostModel,
): number {
  const surcharge =
    (features.ups ? model.upsSurcharge : 0) + (features.raid ? model.raidSurcharge : 0);
  return (1 + surcharge) * (model.siteFactors[site] ?? 1);
}
