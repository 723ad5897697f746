/** Usage summed over any period, in the units statistics keeps (per instance per minute, rolled up). */
export interface UsageAmounts {
  cpuSeconds: number;
  memoryGiBMinutes: number;
  storageGiBHours: number;
  networkBytesIn: number;
  networkBytesOut: number;
}

export const noUsage: UsageAmounts = {
  cpuSeconds: 0,
  memoryGiBMinutes: 0,
  storageGiBHours: 0,
  networkBytesIn: 0,
  networkBytesOut: 0,
};

export function addUsage(a: UsageAmounts, b: UsageAmounts): UsageAmounts {
  return {
    cpuSeconds: a.cpuSeconds + b.cpuSeconds,
    memoryGiBMinutes: a.memoryGiBMinutes + b.memoryGiBMinutes,
    storageGiBHours: a.storageGiBHours + b.storageGiBHours,
    networkBytesIn: a.networkBytesIn + b.networkBytesIn,
    networkBytesOut: a.networkBytesOut + b.networkBytesOut,
  };
}
