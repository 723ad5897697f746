import {
  ErrorCodes,
  FederaError,
  type DrainBlockedInstance,
  type EventCause,
} from '@federa/contracts';
import { isLive } from '@federa/instance-lifecycle';
import type { CommandClient } from '@federa/messaging';
import { decideDrainStep } from '../domain/drain-evacuation';
import {
  drainSituation,
  type DrainInProgress,
  type DrainWorld,
  type PendingMove,
} from '../domain/drain-world';

/** States in which an instance can be moved (MigrationStarter's rule). */
const movable: ReadonlySet<string> = new Set(['running', 'healthy', 'unhealthy']);

/** How often the leader looks at the drains in progress. */
export const drainTickMs = 500;

export interface DrainRunnerPorts {
  /** The log as the follower has read it; nothing is decided before it is `ready`. */
  follower: { readonly ready: boolean; readonly world: DrainWorld };
  /**
   * Starts a migration with reason `drain` (to `to` for a replacement); answers its id. `after`: the
   * log position of the latest move in flight the follower has read, which placement must have read
   * before it chooses the target (so that room is held).
   */
  startMove(
    instance: string,
    to: string | undefined,
    after: number,
    cause?: EventCause,
  ): Promise<string>;
  inventory: Pick<CommandClient, 'sendCommand'>;
  isLeader(): boolean;
  log(message: string): void;
}

export interface DrainRunnerOptions {
  /** FEDERA_DRAIN_MAX_PARALLEL; @default 2 */
  maxParallel?: number;
  /** @default drainTickMs */
  tickMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** What the runner remembers of one drain between ticks (lost on restart: the log has the rest). */
interface DrainMemory {
  startedAt: number;
  /** Placement's latest refusal per instance, in its words. */
  refusals: Map<string, string>;
  /** When this replica first saw each instance on the host not running. */
  notRunningSince: Map<string, number>;
  /** The blocked list inventory last accepted. */
  reported: string | undefined;
}

/**
 * The leader's drain loop: for each drain in progress decides the next step (decideDrainStep),
 * starts the moves it allows through the migration starter, reports what blocks to inventory
 * (HostDrainBlocked), and ends the drain there when the host is empty (HostDrained, and HostRetired
 * for a replacement) or its deadline passed (HostDrainTimedOut); an uncordon that ends the drain
 * (HostUncordoned with drainEnded) stops it starting moves, and those started finish. It kills nothing: an instance
 * without a place to go stays where it runs. Everything it needs is in the log, so a new leader
 * (after a restart or a failover) takes over where the last one was.
 */
export class DrainRunner {
  private readonly memory = new Map<string, DrainMemory>();
  /**
   * Moves started here, for every drain, that the follower has not read yet: instance → move. The
   * budget counts them whichever drain started them, and while one is unread no other starts:
   * placement chooses a target from what it has read, and a start it has not read holds no room.
   */
  private readonly pending = new Map<string, PendingMove>();
  private readonly maxParallel: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly ports: DrainRunnerPorts,
    private readonly options: DrainRunnerOptions = {},
  ) {
    this.maxParallel = options.maxParallel ?? 2;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? drainTickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** One look at every drain in progress (a tick still running is not doubled). */
  tick(): Promise<void> {
    this.ticking ??= this.steps().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async steps(): Promise<void> {
    const { follower, isLeader } = this.ports;
    if (!isLeader()) {
      // A later leadership starts from the log, not from what this replica saw before.
      this.memory.clear();
      this.pending.clear();
      return;
    }
    if (!follower.ready) return;
    for (const [instance, { migration }] of this.pending)
      if (follower.world.migrations.has(migration)) this.pending.delete(instance);
    const drains = [...follower.world.drains.values()];
    for (const host of [...this.memory.keys()])
      if (!follower.world.drains.has(host)) this.memory.delete(host);
    for (const drain of drains) {
      if (!isLeader()) return;
      await this.step(drain).catch((error: unknown) =>
        this.ports.log(`drain of ${drain.host}: ${messageOf(error)}`),
      );
    }
  }

  private async step(drain: DrainInProgress): Promise<void> {
    const memory = this.memoryOf(drain);
    const world = this.ports.follower.world;
    const now = this.now();
    const notRunning = new Set<string>();
    for (const life of world.instances.values()) {
      if (life.host !== drain.host || !isLive(life.status)) continue;
      if (movable.has(life.status)) continue;
      notRunning.add(life.instance);
      if (!memory.notRunningSince.has(life.instance))
        memory.notRunningSince.set(life.instance, now);
    }
    for (const instance of [...memory.notRunningSince.keys()])
      if (!notRunning.has(instance)) memory.notRunningSince.delete(instance);
    const decide = () =>
      decideDrainStep(
        drainSituation(world, drain, {
          now,
          maxParallel: this.maxParallel,
          refusals: memory.refusals,
          pending: this.pending,
          notRunningSince: memory.notRunningSince,
        }),
      );
    const step = decide();
    const host = drain.host;
    if (step.outcome === 'drained') {
      const { evacuated, notRelocatable } = step;
      await this.ports.inventory.sendCommand('finishDrain', {
        host,
        drain: drain.number,
        evacuated,
        notRelocatable,
      });
      return;
    }
    if (step.outcome === 'timed-out') {
      const { evacuated, remaining } = step;
      await this.ports.inventory.sendCommand('timeOutDrain', {
        host,
        drain: drain.number,
        evacuated,
        remaining,
      });
      return;
    }
    let started = 0;
    for (const instance of step.candidates) {
      if (started >= step.slots || this.pending.size > 0 || !this.ports.isLeader()) break;
      try {
        const migration = await this.ports.startMove(
          instance,
          drain.replaceWith,
          latestMove(world),
          drain.cause,
        );
        this.pending.set(instance, { migration, from: host });
        memory.refusals.delete(instance);
        started += 1;
      } catch (error) {
        const refusal = refusalOf(error);
        if (refusal) memory.refusals.set(instance, refusal);
        else this.ports.log(`drain of ${host}: moving ${instance}: ${messageOf(error)}`);
      }
    }
    const after = started > 0 || step.candidates.length > 0 ? decide() : step;
    if (after.outcome !== 'evacuating') return;
    await this.report(drain, memory, after.blocked);
  }

  /** Tells inventory what blocks the drain when it differs from what it last accepted. */
  private async report(
    drain: DrainInProgress,
    memory: DrainMemory,
    blocked: DrainBlockedInstance[],
  ): Promise<void> {
    const key = JSON.stringify(blocked);
    if (key === memory.reported) return;
    const { host, number } = drain;
    await this.ports.inventory.sendCommand('recordDrainBlocked', { host, drain: number, blocked });
    memory.reported = key;
  }

  private memoryOf(drain: DrainInProgress): DrainMemory {
    const known = this.memory.get(drain.host);
    if (known && known.startedAt === drain.startedAt) return known;
    const fresh: DrainMemory = {
      startedAt: drain.startedAt,
      refusals: new Map(),
      notRunningSince: new Map(),
      reported: undefined,
    };
    this.memory.set(drain.host, fresh);
    return fresh;
  }
}

/**
 * Placement's refusal in the words a drain lists: the filters that rejected every host (or the named
 * new host of a replacement). Undefined for what is not a refusal (a timeout, a lagging view): the
 * move is tried again at the next tick without listing the instance as blocked.
 */
export function refusalOf(error: unknown): string | undefined {
  if (!(error instanceof FederaError) || error.code !== ErrorCodes.conflict) return undefined;
  const filters = [
    ...new Set(
      error.details
        .map((d) => (d && typeof d === 'object' ? (d as { filter?: unknown }).filter : undefined))
        .filter((f): f is string => typeof f === 'string'),
    ),
  ];
  if (filters.includes('relocation-ban')) return 'not relocatable';
  return filters.length > 0 ? `no feasible host: ${filters.join(', ')}` : error.message;
}

/** The position of the latest MigrationStarted in flight the world has read (0: none). */
function latestMove(world: DrainWorld): number {
  let latest = 0;
  for (const trace of world.migrations.values())
    if (trace.status === 'active') latest = Math.max(latest, trace.startedAt);
  return latest;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
