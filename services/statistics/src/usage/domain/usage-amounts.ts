/**
 * What usage adds up to over a period: cpu in cpu-seconds, memory in GiB-minutes, storage in
 * GiB-hours, network in bytes each way. Load is kept as a sum and a count of the samples that
 * reported one, so that averages add up across rows (average = loadSum / loadSamples).
 */
export interface UsageAmounts {
  cpuSeconds: number;
  memoryGibMinutes: number;
  storageGibHours: number;
  networkInBytes: number;
  networkOutBytes: number;
  loadSum: number;
  loadSamples: number;
  samples: number;
}

export const GiB = 1024 ** 3;

export function noUsage(): UsageAmounts {
  return {
    cpuSeconds: 0,
    memoryGibMinutes: 0,
    storageGibHours: 0,
    networkInBytes: 0,
    networkOutBytes: 0,
    loadSum: 0,
    loadSamples: 0,
    samples: 0,
  };
}

/** Adds `more` into `into` (in place: the ingest path adds 100,000 of these a second). */
export function addUsage(into: UsageAmounts, more: UsageAmounts): UsageAmounts {
  into.cpuSeconds += more.cpuSeconds;
  into.memoryGibMinutes += more.memoryGibMinutes;
  into.storageGibHours += more.storageGibHours;
  into.networkInBytes += more.networkInBytes;
  into.networkOutBytes += more.networkOutBytes;
  into.loadSum += more.loadSum;
  into.loadSamples += more.loadSamples;
  into.samples += more.samples;
  return into;
}

/** The average load of the samples that reported one; undefined when none did. */
export function averageLoad(amounts: Pick<UsageAmounts, 'loadSum' | 'loadSamples'>) {
  return amounts.loadSamples > 0 ? amounts.loadSum / amounts.loadSamples : undefined;
}
