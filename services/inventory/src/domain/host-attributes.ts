import type { LayerKind } from '@federa/contracts';

/** A host's capacity in base units: millicores, bytes, bits per second. */
export interface HostCapacityUnits {
  cpuMillis: number;
  memoryBytes: number;
  storageBytes: number;
  bandwidthBps: number;
}

/** Cost rates of a host (the agent's host.yaml `costs`). */
export interface HostCostRates {
  cpuHour: number;
  memoryGiBHour: number;
  storageGiBMonth: number;
  networkGiB: number;
}

/** What an agent tells inventory about its host when it registers (HostRegistered without host and epoch). */
export interface HostAttributes {
  site: string;
  layers: LayerKind[];
  capacity: HostCapacityUnits;
  costs: HostCostRates;
  securityLevel: number;
  features: { ups: boolean; raid: boolean };
  labels: Record<string, string>;
}

export const zeroCapacity: HostCapacityUnits = Object.freeze({
  cpuMillis: 0,
  memoryBytes: 0,
  storageBytes: 0,
  bandwidthBps: 0,
});

export function sameCapacity(a: HostCapacityUnits, b: HostCapacityUnits): boolean {
  return (
    a.cpuMillis === b.cpuMillis &&
    a.memoryBytes === b.memoryBytes &&
    a.storageBytes === b.storageBytes &&
    a.bandwidthBps === b.bandwidthBps
  );
}

/** Whether anything but capacity differs (capacity changes have an event of their own). */
export function sameDescription(a: HostAttributes, b: HostAttributes): boolean {
  const { capacity: _a, ...restA } = a;
  const { capacity: _b, ...restB } = b;
  return canonical(restA) === canonical(restB);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );
}
