/** A host's cost rates (host.yaml `costs`); `standingPerHour` is 0 for hosts registered before it existed. */
export interface HostRates {
  cpuHour: number;
  memoryGiBHour: number;
  storageGiBMonth: number;
  networkGiB: number;
  standingPerHour: number;
}

/** What cost needs to know of a host: its site, rates, protections and when it stood in the fleet. */
export interface CostedHost {
  id: string;
  site: string;
  rates: HostRates;
  ups: boolean;
  raid: boolean;
  /** First registration, epoch ms; undefined: it stood before any window asked about. */
  since?: number;
  /** Retirement, epoch ms; undefined while it is in the fleet. */
  retiredAt?: number;
}

/** Rates as events and the catalogue carry them: `standingPerHour` may be absent on older hosts. */
export function toHostRates(
  costs: Omit<HostRates, 'standingPerHour'> & { standingPerHour?: number },
): HostRates {
  return { ...costs, standingPerHour: costs.standingPerHour ?? 0 };
}
