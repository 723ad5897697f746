import { Logger } from '@nestjs/common';
import type { PostgresLeaderLease } from '@federa/eventstore';
import type { HeartbeatUsageListener } from '../api/heartbeat-usage.listener';
import type { UsageMaintenance } from './usage-maintenance';

/** How often a replica checks (or tries to take) the usage lease. */
export const usageLeaseCheckMs = 2_000;
export const usageLeaseName = 'federa.statistics.usage';

/**
 * One replica at a time counts heartbeats and writes rollups and UsageRecorded: heartbeat marks
 * (what was counted) live in that replica's memory between flushes, and statistics-<instance>
 * streams have one writer. The others stand by on a Postgres advisory lease; when the leader dies,
 * its session's lease goes with it and a standby takes over from the marks stored, losing at most
 * the heartbeats of the leader's last unflushed interval. A leader that lost its lease while alive
 * (its lease session broken) may go on taking heartbeats until its next check; the new leader's
 * term (statistics.usage_leader_term) refuses its writes from the moment it takes over, so nothing
 * is counted twice, and what it flushes before then is read by the new leader with the marks.
 */
export class UsageLeadership {
  private readonly logger = new Logger('UsageLeadership');
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> | undefined;
  private leading = false;

  constructor(
    private readonly lease: PostgresLeaderLease,
    private readonly listener: HeartbeatUsageListener,
    private readonly maintenance: UsageMaintenance,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), usageLeaseCheckMs);
    void this.check();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.tick;
    if (this.leading) await this.resign(true);
    await this.lease.release().catch(() => undefined);
    await this.listener.close();
  }

  /** Resolves once a check found this replica leading (for tests and the benchmark). */
  get isLeading(): boolean {
    return this.leading;
  }

  private async check(): Promise<void> {
    if (this.tick) return;
    this.tick = (async () => {
      const holds = await this.lease.holds();
      if (holds && !this.leading) {
        try {
          await this.listener.start();
          this.maintenance.start();
          this.leading = true;
          this.logger.log('counting heartbeats and recording usage');
        } catch (error) {
          this.logger.warn(`could not start counting heartbeats: ${(error as Error).message}`);
          await this.resign(false);
          await this.lease.release().catch(() => undefined);
        }
      } else if (!holds && this.leading) {
        this.logger.warn('usage lease lost: another replica counts heartbeats now');
        // Written only if no replica took over yet: the write is fenced by the usage term.
        await this.resign(true);
      }
    })().finally(() => (this.tick = undefined));
    await this.tick;
  }

  private async resign(flush: boolean): Promise<void> {
    this.leading = false;
    await this.listener.stop(flush);
    await this.maintenance.stop();
  }
}
