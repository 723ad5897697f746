import {
  InstanceFailureCauses,
  type InstanceEndpoint,
  type InstanceFailureCause,
  type InstanceState,
} from '@federa/contracts';

/** What the log tells of one instance, folded from its `instance-<id>` stream. */
export interface InstanceView {
  id: string;
  service: string;
  app: string;
  layer: string;
  host?: string;
  state: InstanceState;
  /** ISO time the instance entered its current state. */
  since: string;
  /** The service revision whose spec the instance runs (rolling updates replace older ones). */
  revision: number;
  /** Why it is unhealthy, stopping or failed, in words. */
  reason?: string;
  /** Failed: set when its host, not its application, is to blame (InstanceFailed `cause`). */
  cause?: InstanceFailureCause;
  /**
   * Set by the caller, not folded: lost, or live on a down host while the application may not move
   * (reported, not replaced).
   */
  stranded?: boolean;
  /**
   * Set by the caller, not folded: live on a host declared down behind a partition (its lease
   * renewed), and why it is kept there rather than replaced.
   */
  partitioned?: PartitionStanding;
  /**
   * Set by the caller, not folded: lost, and its host is up again, but its agent has not spoken of
   * it since (a report, or the agent's word that it is gone, is due within a few heartbeats).
   */
  awaitingReport?: boolean;
  /**
   * Moving, and its source serves until the target answers (InstanceMigrating `servesWhileMoving`,
   * while it was healthy): it counts as healthy, and dependents keep its endpoint.
   */
  servingWhileMoving?: boolean;
  /** ISO time it first became healthy, if ever. */
  healthyAt?: string;
  /** Where it answers, as its last InstanceRunning said; none after a relocation until one says again. */
  endpoint?: InstanceEndpoint;
  /** Which placement of it runs (InstancePlaced `generation`, one more per relocation). */
  generation?: number;
  /** It started from a copy of the data of the instance it replaced, this old (ms) when requested. */
  dataAgeMs?: number;
  /** It replaced an instance whose data had no copy: it started empty. */
  dataLost?: boolean;
  /** The copy it started from (its successor falls back to it while it has none of its own). */
  restoreFrom?: string;
  /** The instance it replaced (InstanceRequested `replaces`): whose copies it may restore from. */
  replaces?: string;
  /** Migrating: the host it moves to (InstanceMigrating `to`), which starts a copy of it. */
  movingTo?: string;
}

/** Why an instance on a partitioned host is not replaced (yet). */
export type PartitionKeep = 'has data' | 'not relocatable' | 'within grace';

/** An instance on a partitioned host: why it is kept, or `past grace` (it is being replaced). */
export type PartitionStanding = PartitionKeep | 'past grace';

/** An instance event as the fold needs it: type, data, and when it occurred. */
export interface InstanceEvent {
  type: string;
  data: Record<string, unknown>;
  occurredAt: string;
}

const stateOfEvent: Record<string, InstanceState> = {
  InstanceRequested: 'pending',
  InstancePlaced: 'placed',
  PlacementFailed: 'failed',
  InstanceStarting: 'starting',
  InstanceRunning: 'running',
  InstanceHealthy: 'healthy',
  InstanceUnhealthy: 'unhealthy',
  InstanceStopRequested: 'stopping',
  InstanceStopped: 'stopped',
  InstanceFailed: 'failed',
  InstanceLost: 'lost',
  InstanceMigrating: 'migrating',
  InstanceRelocated: 'running',
  // A rolled-back move: running on its source again (older streams say InstanceRelocated to it).
  InstanceMigrationAborted: 'running',
};

/** States in which an instance still occupies (or is about to occupy) a host. */
export const liveStates: ReadonlySet<InstanceState> = new Set([
  'pending',
  'placed',
  'starting',
  'running',
  'healthy',
  'unhealthy',
  'stopping',
  'migrating',
  'lost',
]);

export function isLive(instance: Pick<InstanceView, 'state'>): boolean {
  return liveStates.has(instance.state);
}

/** Applies one instance event; unknown types (a newer writer's) leave the view as it was. */
export function evolveInstance(
  view: InstanceView | undefined,
  event: InstanceEvent,
): InstanceView | undefined {
  const state = stateOfEvent[event.type];
  if (state === undefined) return view;
  const data = event.data;
  if (event.type === 'InstanceRequested') {
    return {
      id: String(data.instance),
      service: String(data.service),
      app: String(data.app),
      layer: String(data.layer ?? ''),
      state,
      since: event.occurredAt,
      revision: typeof data.revision === 'number' ? data.revision : 1,
      ...(typeof data.dataAgeMs === 'number' ? { dataAgeMs: data.dataAgeMs } : {}),
      ...(typeof data.restoreFrom === 'string' ? { restoreFrom: data.restoreFrom } : {}),
      ...(typeof data.replaces === 'string' ? { replaces: data.replaces } : {}),
      ...(data.dataLost === true ? { dataLost: true } : {}),
    };
  }
  if (!view) return undefined;
  // A dead instance stays dead: late reports from its agent must not resurrect it.
  if (!isLive(view)) return view;
  const next: InstanceView = { ...view, state, since: event.occurredAt };
  delete next.servingWhileMoving;
  delete next.movingTo;
  if (event.type === 'InstanceMigrating' && typeof data.to === 'string') next.movingTo = data.to;
  if (
    event.type === 'InstanceMigrating' &&
    data.servesWhileMoving === true &&
    view.state === 'healthy'
  )
    next.servingWhileMoving = true;
  // The migration saw it healthy on its new host before recording the move: it still serves.
  if (event.type === 'InstanceRelocated' && data.verified === true) next.state = 'healthy';
  if (typeof data.host === 'string') next.host = data.host;
  next.reason = reasonOf(event);
  next.cause = event.type === 'InstanceFailed' ? causeOf(event.data.cause) : undefined;
  if (next.state === 'healthy' && !view.healthyAt) next.healthyAt = event.occurredAt;
  if (event.type === 'InstancePlaced')
    next.generation = typeof data.generation === 'number' ? data.generation : 1;
  const moved = event.type === 'InstanceRelocated' || event.type === 'InstanceMigrationAborted';
  // The move's reason is the migration's, not the instance's: it runs.
  if (event.type === 'InstanceMigrationAborted') next.reason = undefined;
  if (moved) next.generation = (view.generation ?? 1) + 1;
  if (event.type === 'InstanceRunning' && isEndpoint(data.endpoint)) next.endpoint = data.endpoint;
  // A moved or ended instance answers there no more (a source started again answers anew).
  if (moved || !isLive(next)) delete next.endpoint;
  return withoutUndefined(next);
}

/** A cause this version knows; an unknown one (a newer writer's) blames nothing in particular. */
function causeOf(value: unknown): InstanceFailureCause | undefined {
  return (InstanceFailureCauses as readonly unknown[]).includes(value)
    ? (value as InstanceFailureCause)
    : undefined;
}

function isEndpoint(value: unknown): value is InstanceEndpoint {
  const e = value as Partial<InstanceEndpoint> | undefined;
  return typeof e?.address === 'string' && typeof e.port === 'number';
}

function reasonOf(event: InstanceEvent): string | undefined {
  const { reason, message } = event.data;
  if (typeof message === 'string') return message;
  if (typeof reason === 'string') return reason;
  return undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[])
    if (value[key] === undefined) delete value[key];
  return value;
}
