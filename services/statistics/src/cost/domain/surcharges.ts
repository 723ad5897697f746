/**
 * The surcharges placement's cost model applies (services/placement cost-model.ts), kept here with
 * the same defaults so that statistics charges what placement optimised for; a spec checks they agree.
 */
export interface Surcharges {
  /** Extra operating cost of a host with a UPS, as a fraction. @default 0.08 */
  ups: number;
  /** Extra operating cost of a host with RAID, as a fraction. @default 0.05 */
  raid: number;
  /** Share of reserved bandwidth an instance uses on average, to weigh reservations. @default 0.1 */
  bandwidthUtilisation: number;
}

export const defaultSurcharges: Surcharges = { ups: 0.08, raid: 0.05, bandwidthUtilisation: 0.1 };

/** 1 + the host's surcharges: what usage at its rates is multiplied by. */
export function operatingFactor(
  host: { ups: boolean; raid: boolean },
  surcharges: Surcharges = defaultSurcharges,
): number {
  return 1 + (host.ups ? surcharges.ups : 0) + (host.raid ? surcharges.raid : 0);
}
