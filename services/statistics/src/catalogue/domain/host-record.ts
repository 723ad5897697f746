import type { HostState } from '@federa/contracts';

/** Where a host is in its life, apart from liveness (as inventory folds it). */
export type HostLifecycle = 'active' | 'draining' | 'drained' | 'retired';
/** Whether the host's agent is heard, apart from its lifecycle. */
export type HostLiveness = 'ready' | 'suspect' | 'down';

/** One host as statistics keeps it (statistics.hosts): what cost and capacity are computed from. */
export interface HostRecord {
  id: string;
  site: string;
  /**
   * The public state, from `lifecycle` and `liveness` (kept apart: a drained host that comes back
   * or registers again is still drained, and its capacity still leaving the fleet).
   */
  state: HostState;
  lifecycle: HostLifecycle;
  liveness: HostLiveness;
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
  | { type: 'HostRecovered' | 'HostCordoned' | 'HostRetired' }
  /** `drainEnded`: the uncordon also ended a drain, and the host is back in service. */
  | { type: 'HostUncordoned'; data?: { drainEnded?: true } };

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

/** The host's public state: retirement first, then liveness, then the drain (as inventory says it). */
export function publicHostState(lifecycle: HostLifecycle, liveness: HostLiveness): HostState {
  if (lifecycle === 'retired') return 'retired';
  if (liveness !== 'ready') return liveness;
  return lifecycle === 'active' ? 'ready' : lifecycle;
}

const withState = (record: HostRecord): HostRecord => ({
  ...record,
  state: publicHostState(record.lifecycle, record.liveness),
});

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
    if (record?.lifecycle === 'retired') return record;
    const { site, securityLevel, capacity, costs, features } = event.data;
    return withState({
      id: event.data.host,
      site,
      state: 'ready',
      // An agent registering again is alive again; it does not end a drain.
      lifecycle: record?.lifecycle ?? 'active',
      liveness: 'ready',
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
    });
  }
  if (!record || record.lifecycle === 'retired') return record;
  switch (event.type) {
    case 'HostCapacityChanged':
      return { ...record, capacity: { ...event.data.capacity }, position };
    case 'HostCordoned':
      return { ...record, cordoned: true, position };
    case 'HostUncordoned': {
      const drainEnds =
        event.data?.drainEnded === true &&
        (record.lifecycle === 'draining' || record.lifecycle === 'drained');
      return withState({
        ...record,
        cordoned: false,
        ...(drainEnds ? { lifecycle: 'active' as const } : {}),
        position,
      });
    }
    case 'HostSuspected':
      return withState({ ...record, liveness: 'suspect', position });
    case 'HostDown':
      return withState({ ...record, liveness: 'down', position });
    case 'HostRecovered':
      return withState({ ...record, liveness: 'ready', position });
    case 'HostDrainStarted':
      return withState({ ...record, lifecycle: 'draining', position });
    case 'HostDrained':
      return withState({ ...record, lifecycle: 'drained', position });
    case 'HostRetired':
      return withState({ ...record, lifecycle: 'retired', retiredAt: at, position });
    default:
      return record;
  }
}
