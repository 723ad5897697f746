import type { ForecastQuantity } from '@federa/contracts';

const GIB = 1024 ** 3;
const HOUR_SECONDS = 3600;

/** One hour of usage as statistics' hourly rollups keep it (sums over the hour). */
export interface HourlyUsage {
  /** Start of the hour. */
  readonly hour: Date;
  readonly cpuSeconds: number;
  readonly memoryGibMinutes: number;
  readonly storageGibHours: number;
  readonly networkInBytes: number;
  readonly networkOutBytes: number;
  readonly loadSum: number;
  readonly loadSamples: number;
}

/**
 * The hour's average demand of one quantity in the unit capacity is counted in (millicores, bytes,
 * bits per second; load as a 0..1 ratio); undefined when the hour has no load samples.
 */
export function demandOfHour(usage: HourlyUsage, quantity: ForecastQuantity): number | undefined {
  switch (quantity) {
    case 'cpu':
      return (usage.cpuSeconds / HOUR_SECONDS) * 1000;
    case 'memory':
      return (usage.memoryGibMinutes / 60) * GIB;
    case 'storage':
      return usage.storageGibHours * GIB;
    case 'bandwidth':
      return ((usage.networkInBytes + usage.networkOutBytes) * 8) / HOUR_SECONDS;
    case 'load':
      return usage.loadSamples > 0 ? usage.loadSum / usage.loadSamples : undefined;
  }
}

/** The hours of a usage series as one quantity's observations, hours without a value left out. */
export function demandSeries(
  usage: readonly HourlyUsage[],
  quantity: ForecastQuantity,
): { hour: Date; value: number }[] {
  const series: { hour: Date; value: number }[] = [];
  for (const hour of usage) {
    const value = demandOfHour(hour, quantity);
    if (value !== undefined) series.push({ hour: hour.hour, value });
  }
  return series;
}
