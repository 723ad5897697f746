/** One resource of a host: how much is allocated of its capacity. */
export interface CapacityBar {
  resource: string;
  allocated: number;
  capacity: number;
  /** allocated / capacity, 0 when the host has none of the resource. */
  ratio: number;
  /** e.g. `2.5 / 8 cores`, `3.0 / 16 GiB`. */
  label: string;
}

const units: Record<string, { name: string; unit: string; scale: number; digits: number }> = {
  cpuMillis: { name: 'cpu', unit: 'cores', scale: 1000, digits: 1 },
  memoryBytes: { name: 'memory', unit: 'GiB', scale: 2 ** 30, digits: 1 },
  storageBytes: { name: 'storage', unit: 'GiB', scale: 2 ** 30, digits: 0 },
  bandwidthBps: { name: 'bandwidth', unit: 'Mbps', scale: 1e6, digits: 0 },
};

/**
 * A bar per resource of the host's capacity, in the order capacity lists them; amounts in the
 * unit an operator reads (cores, GiB, Mbps) rather than the API's base units.
 */
export function capacityBars(
  capacity: Record<string, number>,
  allocated: Record<string, number>,
): CapacityBar[] {
  return Object.entries(capacity).map(([key, total]) => {
    const used = allocated[key] ?? 0;
    const unit = units[key] ?? { name: key, unit: '', scale: 1, digits: 0 };
    const show = (n: number) => (n / unit.scale).toFixed(unit.digits);
    return {
      resource: unit.name,
      allocated: used,
      capacity: total,
      ratio: total > 0 ? Math.min(1, used / total) : 0,
      label: `${show(used)} / ${show(total)}${unit.unit ? ` ${unit.unit}` : ''}`,
    };
  });
}
