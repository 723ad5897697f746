const GiB = 1024 ** 3;

/**
 * UsageRecorded v1 covered one minute with levels (average millicores, bytes held, bytes moved both
 * ways); v2 covers a period (an hour) with amounts: cpu-seconds, GiB-minutes, GiB-hours and bytes in
 * and out. A v1 minute reads as a one-minute period; its network total, never split, counts half
 * each way (as for heartbeats of agents older than the split).
 */
export function usageRecordedV1ToV2(data: Record<string, unknown>): Record<string, unknown> {
  const { minute, cpuMillis, memoryBytes, storageBytes, networkBytes, ...rest } = data;
  const network = Number(networkBytes ?? 0);
  const networkInBytes = Math.floor(network / 2);
  return {
    ...rest,
    from: minute,
    periodMinutes: 1,
    activeMinutes: 1,
    cpuSeconds: (Number(cpuMillis ?? 0) / 1000) * 60,
    memoryGibMinutes: Number(memoryBytes ?? 0) / GiB,
    storageGibHours: Number(storageBytes ?? 0) / GiB / 60,
    networkInBytes,
    networkOutBytes: network - networkInBytes,
  };
}
