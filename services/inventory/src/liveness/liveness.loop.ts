import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { LivenessTracker, type LivenessChange } from '../domain/liveness-tracker';
import { HostCommandHandler } from '../host-command.handler';
import type { InventoryConfig } from '../inventory-config';
import { INVENTORY_CONFIG } from '../infrastructure/inventory-tokens';
import { HostReadModel } from '../projection/host-read-model';
import { readHostLease } from './host-lease-reader';

const actor = 'inventory:liveness';

/**
 * Ticks the liveness tracker every `tickMs` and records what it finds: suspicions at once, downs
 * after reading the host's lease (dead or partitioned) and passing the site's down budget.
 */
@Injectable()
export class LivenessLoop implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Liveness');
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly tracker: LivenessTracker,
    private readonly commands: HostCommandHandler,
    private readonly hosts: HostReadModel,
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
  ) {}

  /** Watches every known host from now on: a restart of inventory is no missed heartbeat. */
  async onApplicationBootstrap(): Promise<void> {
    for (const host of await this.hosts.watched()) {
      if (!this.tracker.view(host.id))
        this.tracker.track(host.id, host.site, host.epoch, host.liveness);
    }
    this.timer = setInterval(() => this.tick(), this.config.liveness.tickMs);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Records a recovery the heartbeat listener saw. */
  record(change: LivenessChange): void {
    this.track(this.apply(change));
  }

  private tick(): void {
    for (const change of this.tracker.tick()) this.record(change);
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
    }
  }

  private async checkDown(host: string, epoch: number, site: string): Promise<void> {
    const [lease, instances] = await Promise.all([
      readHostLease(this.config.leaseDir, host),
      this.hosts.instancesOn(host),
    ]);
    const verdict = this.tracker.resolveDown(host, epoch, lease);
    if (verdict.kind === 'down') {
      await this.commands.execute(
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
      this.logger.warn(`host ${host} is down (${verdict.cause})`);
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
