import type { CostedHost } from './host-rates';
import { defaultSurcharges, operatingFactor, type Surcharges } from './surcharges';
import type { UsageAmounts } from './usage-amounts';

const GiB = 1024 ** 3;
/** The month placement and statistics price storage by (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** What `usage` on `host` costs: the host's rates × usage, times its UPS/RAID surcharges. */
export function usageCost(
  usage: UsageAmounts,
  host: CostedHost,
  surcharges: Surcharges = defaultSurcharges,
): number {
  const r = host.rates;
  const base =
    (usage.cpuSeconds / 3600) * r.cpuHour +
    (usage.memoryGiBMinutes / 60) * r.memoryGiBHour +
    (usage.storageGiBHours * r.storageGiBMonth) / HOURS_PER_MONTH +
    ((usage.networkBytesIn + usage.networkBytesOut) / GiB) * r.networkGiB;
  return base * operatingFactor(host, surcharges);
}
