import {
  normaliseServiceSpec,
  type EventCause,
  type EventMetadata,
  type HostDrainStartedData,
  type MigrationReason,
  type ServiceSpec,
} from '@federa/contracts';
import {
  evolveInstanceLife,
  initialInstanceLife,
  isInstanceEvent,
  isLive,
  type InstanceLife,
} from '@federa/instance-lifecycle';
import type { AppRules, DrainMove, DrainSituation, HostInstance } from './drain-evacuation';
import { specOf } from './service-spec-fold';

/** A drain in progress: its HostDrainStarted, with the log position that began it. */
export interface DrainInProgress {
  host: string;
  /** Position of the HostDrainStarted: moves recorded after it belong to this drain. */
  startedAt: number;
  /** Which drain of the host this is: 1 for its first HostDrainStarted (inventory counts alike). */
  number: number;
  /** The instances on the host when the drain began. */
  instances: string[];
  deadlineAt?: string;
  replaceWith?: string;
  /** The HostDrainStarted: its moves act for whoever asked for the drain (docs/security/audit.md). */
  cause?: EventCause;
}

/** What the drain runner keeps of a migration: enough to tell this drain's moves and their ends. */
export interface MigrationTrace {
  migration: string;
  instance: string;
  from: string;
  reason: MigrationReason;
  /** Position of its MigrationStarted. */
  startedAt: number;
  status: 'active' | 'succeeded' | 'failed' | 'rolled-back';
  /** Why it failed or was rolled back. */
  why?: string;
  /** When the log recorded its end (ms since the epoch). */
  endedAt?: number;
}

/**
 * The part of the log a drain is decided from: drains in progress, every instance's life, the
 * applications' rules and the migrations. Built by folding the log in order (`foldDrainWorld`).
 */
export interface DrainWorld {
  drains: Map<string, DrainInProgress>;
  /** How many drains each host has begun. */
  drainCounts: Map<string, number>;
  instances: Map<string, InstanceLife>;
  /** By `service/app`. */
  apps: Map<string, AppRules>;
  migrations: Map<string, MigrationTrace>;
}

/** One logged event as the fold reads it. */
export interface WorldEvent {
  type: string;
  position: number;
  data: unknown;
  eventId?: string;
  metadata?: Pick<EventMetadata, 'correlationId' | 'actor' | 'actorRole'>;
  /** When the store recorded it (ISO-8601): the same for every reader, unlike the reader's clock. */
  recordedAt?: string;
}

export function emptyDrainWorld(): DrainWorld {
  return {
    drains: new Map(),
    drainCounts: new Map(),
    instances: new Map(),
    apps: new Map(),
    migrations: new Map(),
  };
}

const appKey = (service: string, app: string) => `${service}/${app}`;

/** Applies one event, in log order, to the world (mutating it: the world is a running fold). */
export function foldDrainWorld(world: DrainWorld, event: WorldEvent): void {
  if (isInstanceEvent(event)) {
    const id = (event.data as { instance: string }).instance;
    const life = evolveInstanceLife(world.instances.get(id) ?? initialInstanceLife(), event);
    if (life.status === 'absent') return;
    // An ended instance is kept only while a drain that began with it may still list it.
    const listed = [...world.drains.values()].some((d) => d.instances.includes(id));
    if (isLive(life.status) || listed) world.instances.set(id, life);
    else world.instances.delete(id);
    return;
  }
  const spec = specOf(event);
  const data = event.data as Record<string, unknown>;
  if (spec) {
    defineApps(world, data.service as string, spec);
    return;
  }
  switch (event.type) {
    case 'HostDrainStarted': {
      const d = data as unknown as HostDrainStartedData;
      const number = (world.drainCounts.get(d.host) ?? 0) + 1;
      world.drainCounts.set(d.host, number);
      const replaced = world.drains.get(d.host);
      world.drains.set(d.host, {
        host: d.host,
        startedAt: event.position,
        number,
        instances: [...d.instances],
        ...(d.deadlineAt ? { deadlineAt: d.deadlineAt } : {}),
        ...(d.replaceWith ? { replaceWith: d.replaceWith } : {}),
        ...(event.eventId && event.metadata
          ? { cause: { eventId: event.eventId, metadata: event.metadata } }
          : {}),
      });
      // A new drain of the host replaces one that never ended: what only that one kept goes with it.
      if (replaced) forgetDrain(world, replaced);
      return;
    }
    case 'HostDrained':
    case 'HostDrainTimedOut':
    case 'HostRetired':
      endDrain(world, data.host as string);
      return;
    // An uncordon that ends the drain: no more moves start; the moves already started finish.
    case 'HostUncordoned':
      if (data.drainEnded === true) endDrain(world, data.host as string);
      return;
    case 'ServiceDeleted':
      for (const key of [...world.apps.keys()])
        if (key.startsWith(`${data.service as string}/`)) world.apps.delete(key);
      return;
    case 'MigrationStarted':
      world.migrations.set(data.migration as string, {
        migration: data.migration as string,
        instance: data.instance as string,
        from: data.from as string,
        reason: data.reason as MigrationReason,
        startedAt: event.position,
        status: 'active',
      });
      return;
    case 'MigrationCompleted':
      endMigration(world, event, 'succeeded');
      return;
    case 'MigrationFailed':
      endMigration(world, event, 'failed');
      return;
    case 'MigrationRolledBack':
      endMigration(world, event, 'rolled-back');
      return;
  }
}

function endMigration(
  world: DrainWorld,
  event: WorldEvent,
  status: MigrationTrace['status'],
): void {
  const data = event.data as Record<string, unknown>;
  const trace = world.migrations.get(data.migration as string);
  if (!trace) return;
  // An ended move matters only to the drain in progress that started it (evacuated, or blocked).
  const drain = world.drains.get(trace.from);
  if (trace.reason !== 'drain' || !drain || trace.startedAt < drain.startedAt) {
    world.migrations.delete(trace.migration);
    return;
  }
  const why = typeof data.reason === 'string' ? { why: data.reason } : {};
  // The log's time, not the reader's: a new leader counts a retry's backoff from the same moment.
  const endedAt = event.recordedAt === undefined ? NaN : Date.parse(event.recordedAt);
  const when = Number.isFinite(endedAt) ? { endedAt } : {};
  world.migrations.set(trace.migration, { ...trace, status, ...why, ...when });
}

/** Forgets a drain that ended. */
function endDrain(world: DrainWorld, host: string): void {
  const drain = world.drains.get(host);
  if (!drain) return;
  world.drains.delete(host);
  forgetDrain(world, drain);
}

/**
 * Forgets what only a drain no longer in progress needed: its ended moves, and the ended instances
 * it listed that no drain in progress lists.
 */
function forgetDrain(world: DrainWorld, drain: DrainInProgress): void {
  for (const trace of [...world.migrations.values()])
    if (trace.from === drain.host && trace.status !== 'active')
      world.migrations.delete(trace.migration);
  const listed = new Set([...world.drains.values()].flatMap((d) => d.instances));
  for (const id of drain.instances) {
    if (listed.has(id)) continue;
    const life = world.instances.get(id);
    if (life && !isLive(life.status)) world.instances.delete(id);
  }
}

function defineApps(world: DrainWorld, service: string, spec: ServiceSpec): void {
  for (const key of [...world.apps.keys()])
    if (key.startsWith(`${service}/`)) world.apps.delete(key);
  for (const app of normaliseServiceSpec(spec).applications) {
    world.apps.set(appKey(service, app.name), {
      service,
      app: app.name,
      dependsOn: [...app.dependsOn],
      min: app.replicas.min,
      relocatable: app.placement.relocatable,
      stateful: app.data !== null,
    });
  }
}

/** A move this replica started that the world has not read yet. */
export interface PendingMove {
  migration: string;
  from: string;
}

/**
 * What the drain of `host` is decided from, as the world has it now. `pending`: moves this replica
 * started, for every drain, that the world has not read yet (they count as in flight). An instance
 * with a move in flight or pending is not counted healthy, whichever host it leaves: until its
 * InstanceMigrating is read it still reads healthy, and the budget must not count it twice.
 */
export function drainSituation(
  world: DrainWorld,
  drain: DrainInProgress,
  options: {
    now: number;
    maxParallel: number;
    refusals: ReadonlyMap<string, string>;
    pending: ReadonlyMap<string, PendingMove>;
    notRunningSince?: ReadonlyMap<string, number>;
  },
): DrainSituation {
  const moving = new Set(options.pending.keys());
  for (const trace of world.migrations.values())
    if (trace.status === 'active') moving.add(trace.instance);
  const onHost: HostInstance[] = [];
  const replicas = new Map<string, { live: number; healthy: number }>();
  for (const life of world.instances.values()) {
    if (life.status === 'absent' || !isLive(life.status)) continue;
    const key = appKey(life.service, life.app);
    const count = replicas.get(key) ?? { live: 0, healthy: 0 };
    count.live += 1;
    if (life.status === 'healthy' && !moving.has(life.instance)) count.healthy += 1;
    replicas.set(key, count);
    if (life.host === drain.host) {
      onHost.push({
        instance: life.instance,
        service: life.service,
        app: life.app,
        status: life.status,
      });
    }
  }
  const moves: DrainMove[] = [];
  for (const trace of world.migrations.values()) {
    if (trace.from !== drain.host) continue;
    // Any move off the host takes a slot; ended ones count only when this drain started them.
    const ours = trace.reason === 'drain' && trace.startedAt > drain.startedAt;
    if (trace.status !== 'active' && !ours) continue;
    moves.push({
      migration: trace.migration,
      instance: trace.instance,
      status: trace.status,
      byThisDrain: ours,
      ...(trace.why ? { why: trace.why } : {}),
      ...(trace.endedAt !== undefined ? { endedAt: trace.endedAt } : {}),
    });
  }
  for (const [instance, { migration, from }] of options.pending) {
    if (from === drain.host && !world.migrations.has(migration)) {
      moves.push({ migration, instance, status: 'active', byThisDrain: true });
    }
  }
  const appsOf = new Map<string, AppRules>();
  for (const instance of [...onHost.map((i) => i.instance), ...drain.instances]) {
    const life = world.instances.get(instance);
    const rules = life && world.apps.get(appKey(life.service, life.app));
    if (rules) appsOf.set(appKey(rules.service, rules.app), rules);
  }
  // Every application of the services on the host: dependents elsewhere in the service matter too.
  for (const rules of world.apps.values()) {
    if (onHost.some((i) => i.service === rules.service)) {
      appsOf.set(appKey(rules.service, rules.app), rules);
    }
  }
  return {
    host: drain.host,
    startedWith: drain.instances.map((instance) => {
      const life = world.instances.get(instance);
      return { instance, service: life?.service ?? '', app: life?.app ?? '' };
    }),
    ...(drain.deadlineAt ? { deadlineAt: drain.deadlineAt } : {}),
    now: options.now,
    maxParallel: options.maxParallel,
    onHost,
    apps: [...appsOf.values()],
    replicas: [...replicas].map(([key, count]) => {
      const [service, app] = key.split('/') as [string, string];
      return { service, app, ...count };
    }),
    moves,
    refusals: options.refusals,
    ...(options.notRunningSince ? { notRunningSince: options.notRunningSince } : {}),
  };
}
