import type { HostRecord } from '../domain/host-record';

/** A host's cost rates as the catalogue's tables store them, one column each. */
export interface RateColumns {
  cpu_per_hour: number;
  memory_gib_per_hour: number;
  storage_gib_per_month: number;
  network_per_gib: number;
  standing_per_hour: number;
}

/** The rates of a row of `statistics.hosts` or `statistics.host_terms`. */
export function ratesOfRow(row: RateColumns): HostRecord['rates'] {
  return {
    cpuHour: row.cpu_per_hour,
    memoryGiBHour: row.memory_gib_per_hour,
    storageGiBMonth: row.storage_gib_per_month,
    networkGiB: row.network_per_gib,
    standingPerHour: row.standing_per_hour,
  };
}
