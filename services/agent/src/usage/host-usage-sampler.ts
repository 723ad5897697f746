import { readFile, statfs } from 'node:fs/promises';
import type { Usage } from '@federa/contracts';
import { NetworkRateMeter, readNetworkCounters, type NetworkRates } from './network-counters';

interface CpuTimes {
  busy: number;
  total: number;
}

/**
 * Samples the whole host's usage from /proc and statfs: cpu as millicores busy since the previous
 * sample, memory as MemTotal − MemAvailable, storage as used bytes of the data dir's file system,
 * network as bytes per second received and sent on every interface but loopback.
 */
export class HostUsageSampler {
  private lastCpu: CpuTimes | undefined;
  private readonly net = new NetworkRateMeter();

  constructor(
    private readonly dataDir: string,
    private readonly cpuCount: number,
  ) {}

  async sample(): Promise<Usage> {
    const [cpuMillis, memoryBytes, storageBytes, network] = await Promise.all([
      this.cpu(),
      memoryInUse(),
      storageInUse(this.dataDir),
      this.network(),
    ]);
    return { cpuMillis, memoryBytes, storageBytes, ...network };
  }

  private async cpu(): Promise<number> {
    const now = await readCpuTimes();
    const before = this.lastCpu;
    this.lastCpu = now;
    if (!before || now.total <= before.total) return 0;
    return Math.round(
      ((now.busy - before.busy) / (now.total - before.total)) * this.cpuCount * 1000,
    );
  }

  private async network(): Promise<NetworkRates> {
    return this.net.next(await readNetworkCounters('self'), Date.now());
  }
}

async function readCpuTimes(): Promise<CpuTimes> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0];
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

async function memoryInUse(): Promise<number> {
  const text = await readFile('/proc/meminfo', 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return Math.max(0, kib('MemTotal') - kib('MemAvailable')) * 1024;
}

async function storageInUse(dir: string): Promise<number> {
  const fs = await statfs(dir);
  return (fs.blocks - fs.bfree) * fs.bsize;
}
