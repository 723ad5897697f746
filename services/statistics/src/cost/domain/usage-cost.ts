import {
  defaultCostModel,
  HOURS_PER_MONTH,
  operatingFactor,
  type CostModel,
} from '@federa/contracts';
import type { UsageAmounts } from '../../usage/domain/usage-amounts';
import type { CostedHost } from './host-rates';

const GiB = 1024 ** 3;

/** The usage amounts that are charged for (load and sample counts cost nothing). */
export type ChargedUsage = Pick<
  UsageAmounts,
  'cpuSeconds' | 'memoryGibMinutes' | 'storageGibHours' | 'networkInBytes' | 'networkOutBytes'
>;

/**
 * What `usage` on `host` costs: the host's rates × usage, times its operating factor (UPS/RAID
 * surcharges and site), as placement's cost of a reservation used in full.
 */
export function usageCost(
  usage: ChargedUsage,
  host: CostedHost,
  model: CostModel = defaultCostModel,
): number {
  const r = host.rates;
  const base =
    (usage.cpuSeconds / 3600) * r.cpuHour +
    (usage.memoryGibMinutes / 60) * r.memoryGiBHour +
    (usage.storageGibHours * r.storageGiBMonth) / HOURS_PER_MONTH +
    ((usage.networkInBytes + usage.networkOutBytes) / GiB) * r.networkGiB;
  return base * operatingFactor(host, host.site, model);
}
