import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { PostgresLeaderLease } from '@federa/eventstore';
import { LivenessTracker, type LivenessChange } from '../domain/liveness-tracker';
import { HostCommandHandler } from '../api/host-command.handler';
import type { InventoryConfig } from '../inventory-config';
import { INVENTORY_CONFIG } from '../infrastructure/inventory-tokens';
import { HostReadModel } from '../infrastructure/host-read-model';
import { readHostLease } from '../infrastructure/host-lease-reader';
import { HostRoster } from '../infrastructure/host-roster';
import { recordHostDownDetection } from '../infrastructure/host-metrics';
import { monotonicNow } from '../infrastructure/monotonic-clock';

const actor = 'inventory:liveness';
/** How often the leader looks for hosts registered elsewhere that it has not heard from. */
const reconcileEveryMs = 5000;

/**
 * Ticks the liveness tracker every `tickMs` and records what it finds: suspicions at once, downs
 * after reading the host's lease (dead or partitioned) and passing the site's down budget. Only
 * the replica holding the liveness lease ticks and records (so one replica spends the site's down
 * budget); the others keep hearing heartbeats, ready to take over.
 */
@Injectable()
export class LivenessLoop implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Liveness');
  private timer: NodeJS.Timeout | undefined;
  /** The tick being run: a slow lease check or take-over skips ticks rather than overlapping them. */
  private running: Promise<void> | undefined;
  private role: 'leader' | 'standby' | undefined;
  /** When the leader last took the read model's hosts into its tracker. */
  private reconciledAt = Date.now();
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * The last change being recorded for each host: the next waits for it. A recovery decided while
   * the host's suspicion was still being appended would otherwise find the host ready in the log,
   * record nothing, and leave it suspect there for ever while the tracker holds it ready.
   */
  private readonly lastOfHost = new Map<string, Promise<void>>();

  constructor(
    private readonly tracker: LivenessTracker,
    private readonly commands: HostCommandHandler,
    private readonly hosts: HostReadModel,
    private readonly roster: HostRoster,
    private readonly lease: PostgresLeaderLease,
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
  ) {}

  /** True while this replica records liveness changes (and its lease was not lost since the tick). */
  get isLeader(): boolean {
    return this.role === 'leader' && this.lease.isHeld;
  }

  /** Watches every known host from now on: a restart of inventory is no missed heartbeat. */
  async onApplicationBootstrap(): Promise<void> {
    await this.roster.trackNew();
    this.timer = setInterval(() => this.tick(), this.config.liveness.tickMs);
  }

  /** Lets the lease go only once nothing this replica decided is still being recorded. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    this.role = 'standby';
    await Promise.allSettled([...this.inFlight]);
    await this.lease.release();
  }

  /** Records a recovery the heartbeat listener saw; a standby leaves it to the leader. */
  record(change: LivenessChange): void {
    if (!this.isLeader) return;
    const before = this.lastOfHost.get(change.host) ?? Promise.resolve();
    const recorded = before.then(() => this.apply(change));
    this.lastOfHost.set(change.host, recorded);
    void recorded.finally(() => {
      if (this.lastOfHost.get(change.host) === recorded) this.lastOfHost.delete(change.host);
    });
    this.track(recorded);
  }

  private tick(): void {
    this.running ??= this.step()
      .catch((error: unknown) =>
        this.logger.error(`liveness tick failed: ${(error as Error).message}`),
      )
      .finally(() => (this.running = undefined));
  }

  private async step(): Promise<void> {
    await this.follow(await this.lease.holds());
    if (!this.isLeader) return;
    // Hosts another replica registered reach this one by heartbeat; one that never beats by this.
    if (Date.now() - this.reconciledAt >= reconcileEveryMs) {
      this.reconciledAt = Date.now();
      await this.roster.trackNew();
    }
    for (const change of this.tracker.tick()) this.record(change);
  }

  /** Moves to the role the lease gives; a new leader first takes the log's view of every host. */
  private async follow(holds: boolean): Promise<void> {
    const role = holds ? 'leader' : 'standby';
    if (role === this.role) return;
    if (role === 'leader') {
      await this.roster.takeOver();
      this.logger.log('liveness leader: this replica records liveness changes');
    } else if (this.role === 'leader') {
      this.logger.warn('liveness standby: lost the liveness lease, another replica records');
    } else {
      this.logger.log('liveness standby: another replica records liveness changes');
    }
    this.role = role;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async apply(change: LivenessChange): Promise<void> {
    try {
      switch (change.kind) {
        case 'suspect':
          await this.commands.execute(
            change.host,
            {
              type: 'SuspectHost',
              epoch: change.epoch,
              lastHeartbeatAt: iso(change.lastHeartbeatAt),
              silentForMs: change.silentForMs,
            },
            { actor },
          );
          // The first of the two readings the down check compares (the lease's progress).
          this.tracker.noteLease(
            change.host,
            change.epoch,
            await readHostLease(this.config.leaseDir, change.host),
          );
          return;
        case 'recover':
          await this.commands.execute(
            change.host,
            {
              type: 'RecoverHost',
              epoch: change.epoch,
              lastHeartbeatAt: iso(change.lastHeartbeatAt)!,
            },
            { actor },
          );
          return;
        case 'check-down':
          await this.checkDown(change.host, change.epoch, change.site);
          return;
      }
    } catch (error) {
      this.logger.error(
        `could not record ${change.kind} of ${change.host}: ${(error as Error).message}`,
      );
      if (change.kind === 'check-down') this.tracker.retryDownCheck(change.host);
      // The tracker already holds the host ready: its next heartbeat must ask again.
      if (change.kind === 'recover') this.tracker.retryRecovery(change.host, change.epoch);
    }
  }

  private async checkDown(host: string, epoch: number, site: string): Promise<void> {
    const [lease, instances] = await Promise.all([
      readHostLease(this.config.leaseDir, host),
      this.hosts.instancesOn(host),
    ]);
    const heardAt = this.tracker.view(host)?.lastHeartbeatAt ?? null;
    const verdict = this.tracker.resolveDown(host, epoch, lease);
    if (verdict.kind === 'down') {
      const { events } = await this.commands.execute(
        host,
        {
          type: 'DeclareHostDown',
          epoch,
          cause: verdict.cause,
          evidence: verdict.evidence,
          instances,
        },
        { actor },
      );
      // Nothing recorded when the log knows better (retired through another replica, already down).
      if (events.length > 0) {
        recordHostDownDetection(heardAt, monotonicNow());
        this.logger.warn(`host ${host} is down (${verdict.cause})`);
      }
    } else if (verdict.kind === 'defer') {
      await this.commands.execute(
        host,
        {
          type: 'DeferHostDown',
          epoch,
          retryAt: iso(verdict.retryAt)!,
          limitPerMinute: verdict.limitPerMinute,
          silentHosts: this.tracker.silentHosts(site),
        },
        { actor },
      );
      this.logger.warn(
        `host ${host} is silent but ${site} already lost ${verdict.limitPerMinute} hosts this minute`,
      );
    }
  }
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
