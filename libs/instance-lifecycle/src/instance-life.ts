import type {
  InstanceEndpoint,
  InstanceState,
  InstanceStopReason,
  LayerKind,
} from '@federa/contracts';
import type { InstanceEvent } from './instance-event';

/** What the log says of one instance: the fold of its `instance-<id>` stream. */
export interface InstanceLife {
  /** `absent` until its InstanceRequested. */
  status: 'absent' | InstanceState;
  /** Empty while absent. */
  service: string;
  app: string;
  instance: string;
  /** Where it is placed (and, after a relocation, where it now runs). */
  host?: string;
  layer?: LayerKind;
  /** The service revision whose spec it runs. */
  revision: number;
  /** The host's fencing epoch when it was placed. */
  hostEpoch?: number;
  /**
   * Which placement this is: 1 at its first InstancePlaced (also when the event predates
   * generations), one more at each later placement or relocation. Absent until placed.
   */
  generation?: number;
  /** The data bucket's copy its first start fills its data with (InstanceRequested `restoreFrom`). */
  restoreFrom?: string;
  /** The age of that copy when the instance was requested, in ms. */
  dataAgeMs?: number;
  /** It starts without the data of the instance it replaces (no copy existed). */
  dataLost?: boolean;
  /**
   * Why it is being stopped, while `stopping`, and while lost after a stop was asked: its agent may
   * come back still stopping it, or with it stopped, and that stop is then the one recorded.
   */
  stopReason?: InstanceStopReason;
  /** The migration moving it, while `migrating`. */
  migration?: { id: string; to: string };
  /** Why it is unhealthy, stopping, failed, stopped or lost, in words. */
  reason?: string;
  /** Where it answers, as its last InstanceRunning said (none after a relocation until one says again). */
  endpoint?: InstanceEndpoint;
}

export function initialInstanceLife(): InstanceLife {
  return { status: 'absent', service: '', app: '', instance: '', revision: 0 };
}

const ended: ReadonlySet<InstanceLife['status']> = new Set(['stopped', 'failed']);

/** True while the instance occupies, or is about to occupy, a host (`lost` included: it may still run). */
export function isLive(status: InstanceLife['status']): boolean {
  return status !== 'absent' && !ended.has(status);
}

/**
 * Applies one event. Tolerant of histories written before every writer went through the decider: an
 * ended instance stays ended (a late report must not resurrect it), and an event before the request
 * changes nothing.
 */
export function evolveInstanceLife(state: InstanceLife, event: InstanceEvent): InstanceLife {
  if (event.type === 'InstanceRequested') {
    if (state.status !== 'absent') return state;
    const { service, app, instance, layer, revision, restoreFrom, dataAgeMs, dataLost } =
      event.data;
    return tidy({
      status: 'pending',
      service,
      app,
      instance,
      layer,
      revision,
      restoreFrom,
      dataAgeMs,
      dataLost,
    });
  }
  if (!isLive(state.status)) return state;
  const base = { ...state, stopReason: undefined, migration: undefined, reason: undefined };
  switch (event.type) {
    case 'InstancePlaced':
      return tidy({
        ...base,
        status: 'placed',
        host: event.data.host,
        layer: event.data.layer,
        hostEpoch: event.data.hostEpoch,
        generation: event.data.generation ?? (state.generation ?? 0) + 1,
      });
    case 'PlacementFailed':
      return tidy({ ...base, status: 'failed', reason: event.data.message });
    case 'InstanceStarting':
      return tidy({ ...base, status: 'starting', host: event.data.host, layer: event.data.layer });
    case 'InstanceRunning':
      return tidy({
        ...base,
        status: 'running',
        host: event.data.host,
        endpoint: event.data.endpoint ?? base.endpoint,
      });
    case 'InstanceHealthy':
      return tidy({ ...base, status: 'healthy', host: event.data.host });
    case 'InstanceUnhealthy':
      return tidy({ ...base, status: 'unhealthy', reason: event.data.reason });
    case 'InstanceStopRequested':
      return tidy({
        ...base,
        status: 'stopping',
        stopReason: event.data.reason,
        reason: event.data.reason,
      });
    case 'InstanceStopped':
      return tidy({ ...base, status: 'stopped', reason: event.data.reason });
    case 'InstanceFailed':
      return tidy({ ...base, status: 'failed', reason: event.data.reason });
    case 'InstanceLost':
      return tidy({
        ...base,
        status: 'lost',
        reason: event.data.reason,
        stopReason: state.stopReason,
      });
    case 'InstanceMigrating':
      return tidy({
        ...base,
        status: 'migrating',
        migration: { id: event.data.migration, to: event.data.to },
      });
    case 'InstanceRelocated':
      return tidy({
        ...base,
        // The migration saw it healthy on its new host before recording the move (as supervision's
        // view reads it): a report of that health is not news.
        status: event.data.verified === true ? 'healthy' : 'running',
        host: event.data.host,
        endpoint: undefined,
        // A relocation is a new placement of the same instance: the copy left behind is older.
        generation: (state.generation ?? 1) + 1,
      });
    case 'InstanceMigrationAborted':
      return tidy({
        ...base,
        status: 'running',
        host: event.data.host,
        // Started again on its source: a copy the move left on the target is older (as when a
        // rollback was recorded as a relocation to the source).
        endpoint: undefined,
        generation: (state.generation ?? 1) + 1,
      });
    default:
      // A type a newer writer added: this build leaves the instance as it was.
      return state;
  }
}

function tidy(life: InstanceLife): InstanceLife {
  for (const key of Object.keys(life) as (keyof InstanceLife)[])
    if (life[key] === undefined) delete life[key];
  return life;
}
