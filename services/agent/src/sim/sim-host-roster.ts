import { configuredCapacity, type HostCapacity, type HostConfig } from '@federa/contracts';

/** One simulated host a fleet stands in for: its id, what it registers with, its capacity. */
export interface SimHostEntry {
  id: string;
  config: HostConfig;
  capacity: HostCapacity;
}

/** A host named by whoever starts the fleet (a replay's recorded hosts), with its exact capacity. */
export interface NamedSimHost {
  config: HostConfig;
  /** Overrides `config.capacity`: the amounts as recorded, not as a host.yaml writes them. */
  capacity?: HostCapacity;
}

/** Capacity of a simulated host whose template says `capacity: auto`. */
export const SIM_AUTO_CAPACITY: HostCapacity = {
  cpuMillis: 8000,
  memoryBytes: 32 * 1024 ** 3,
  storageBytes: 500 * 1024 ** 3,
  bandwidthBps: 1e9,
};

function capacityOf(config: HostConfig): HostCapacity {
  return config.capacity === 'auto' ? SIM_AUTO_CAPACITY : configuredCapacity(config.capacity);
}

/**
 * The hosts a fleet simulates: `named` exactly as given (each with its own id and attributes), else
 * `count` copies of the template numbered `<host>-0001`, ... (`federa agent --simulate N`). Two
 * named hosts with one id are refused: they would answer each other's commands.
 */
export function simHostRoster(
  template: HostConfig,
  count: number,
  named?: NamedSimHost[],
): SimHostEntry[] {
  if (named === undefined) {
    const capacity = capacityOf(template);
    return Array.from({ length: count }, (_, i) => ({
      id: `${template.host}-${String(i + 1).padStart(4, '0')}`,
      config: template,
      capacity,
    }));
  }
  const seen = new Set<string>();
  return named.map(({ config, capacity }) => {
    if (seen.has(config.host)) throw new Error(`hosts: ${config.host} is named twice`);
    seen.add(config.host);
    return { id: config.host, config, capacity: capacity ?? capacityOf(config) };
  });
}
