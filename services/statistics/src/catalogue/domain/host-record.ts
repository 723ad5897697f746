import type { HostState } from '@federa/contracts';

/** One host as statistics keeps it (statistics.hosts): what cost and capacity are computed from. */
export interface HostRecord {
  id: string;
  site: string;
  state: HostState;
  cordoned: boolean;
  securityLevel: number;
  capacity: { cpuMillis: number; memoryBytes: number; storageBytes: number; bandwidthBps: number };
  rates: {
    cpuHour: number;
    memoryGiBHour: number;
    storageGiBMonth: number;
    networkGiB: number;
    /** The host's own cost per hour, whatever runs on it (0 when its config names none). */
    standingPerHour: number;
  };
  features: { ups: boolean; raid: boolean };
  registeredAt: string;
  retiredAt: string | null;
  /** Position of the last event that changed the record. */
  position: number;
}

/** The events of a host stream the catalogue follows, with the fields it reads. */
export type HostCatalogueEvent =
  | {
      type: 'HostRegistered';
      data: {
        host: string;
        site: string;
        securityLevel: number;
        capacity: HostRecord['capacity'];
        costs: Omit<HostRecord['rates'], 'standingPerHour'> & { standingPerHour?: number };
        features: HostRecord['features'];
      };
    }
  | { type: 'HostCapacityChanged'; data: { capacity: HostRecord['capacity'] } }
  | { type: 'HostSuspected' | 'HostDown' | 'HostDrainStarted' | 'HostDrained' }
  | { type: 'HostRecovered' | 'HostCordoned' | 'HostUncordoned' | 'HostRetired' };

export const hostCatalogueEventTypes: readonly HostCatalogueEvent['type'][] = [
  'HostRegistered',
  'HostCapacityChanged',
  'HostSuspected',
  'HostDown',
  'HostRecovered',
  'HostCordoned',
  'HostUncordoned',
  'HostDrainStarted',
  'HostDrained',
  'HostRetired',
];

const stateAfter: Partial<Record<HostCatalogueEvent['type'], HostState>> = {
  HostSuspected: 'suspect',
  HostDown: 'down',
  HostRecovered: 'ready',
  HostDrainStarted: 'draining',
  HostDrained: 'drained',
};

/**
 * The host's record after one event of its stream (`at`: when it happened; `position`: its place in
 * the log). Undefined before the host registered; a retired host changes no more.
 */
export function evolveHostRecord(
  record: HostRecord | undefined,
  event: HostCatalogueEvent,
  at: string,
  position: number,
): HostRecord | undefined {
  if (event.type === 'HostRegistered') {
    if (record?.state === 'retired') return record;
    const { site, securityLevel, capacity, costs, features } = event.data;
    return {
      id: event.data.host,
      site,
      state: 'ready',
      cordoned: record?.cordoned ?? false,
      securityLevel,
      capacity: { ...capacity },
      rates: {
        cpuHour: costs.cpuHour,
        memoryGiBHour: costs.memoryGiBHour,
        storageGiBMonth: costs.storageGiBMonth,
        networkGiB: costs.networkGiB,
        standingPerHour: costs.standingPerHour ?? 0,
      },
      features: { ups: features.ups, raid: features.raid },
      registeredAt: record?.registeredAt ?? at,
      retiredAt: null,
      position,
    };
  }
  if (!record || record.state === 'retired') return record;
  switch (event.type) {
    case 'HostCapacityChanged':
      return { ...record, capacity: { ...event.data.capacity }, position };
    case 'HostCordoned':
      return { ...record, cordoned: true, position };
    case 'HostUncordoned':
      return { ...record, cordoned: false, position };
    case 'HostRetired':
      return { ...record, state: 'retired', retiredAt: at, position };
    default: {
      const state = stateAfter[event.type];
      return state ? { ...record, state, position } : record;
    }
  }
}
