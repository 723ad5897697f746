import { Logger } from '@nestjs/common';
import type { UsageRecorder } from './usage-recorder';
import type { UsageRollups } from './usage-rollups';

/**
 * While this replica leads usage, every FEDERA_STATISTICS_USAGE_ROLLUP_MS: brings the rollups up to
 * date, appends UsageRecorded for the hours that closed, and applies retention. One round at a time.
 */
export class UsageMaintenance {
  private readonly logger = new Logger('UsageMaintenance');
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;

  constructor(
    private readonly rollups: UsageRollups,
    private readonly recorder: UsageRecorder,
    private readonly everyMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.everyMs);
    void this.runOnce();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** One round (or the one under way). */
  async runOnce(): Promise<void> {
    if (this.round) return this.round;
    this.round = (async () => {
      try {
        await this.rollups.refresh();
        await this.recorder.recordClosedHours();
        await this.rollups.applyRetention();
      } catch (error) {
        this.logger.warn(
          `usage rollups or records not done this round: ${(error as Error).message}`,
        );
      }
    })().finally(() => (this.round = undefined));
    return this.round;
  }
}
