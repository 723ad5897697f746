import { statfs } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import {
  autoCapacityBandwidthBps,
  configuredCapacity,
  type HostCapacity,
  type HostConfig,
} from '@federa/contracts';

/**
 * The capacity the host offers: as configured, or with `capacity: auto` the machine's cpus, memory
 * and the size of the file system holding the data dir; bandwidth is never detectable reliably, so
 * it comes from the config's `bandwidth` (default 1Gbps).
 */
export async function resolveCapacity(config: HostConfig, dataDir: string): Promise<HostCapacity> {
  if (config.capacity !== 'auto') return configuredCapacity(config.capacity);
  const fs = await statfs(dataDir);
  return {
    cpuMillis: cpus().length * 1000,
    memoryBytes: totalmem(),
    storageBytes: fs.blocks * fs.bsize,
    bandwidthBps: autoCapacityBandwidthBps(config),
  };
}
