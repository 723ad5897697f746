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
    private readonly rollups: Pick<UsageRollups, 'refresh' | 'applyRetention'>,
    private readonly recorder: Pick<UsageRecorder, 'recordClosedHours'>,
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
      // Each step on its own: an hour that cannot be recorded must not stop rollups or retention.
      for (const [what, step] of [
        ['rollups', () => this.rollups.refresh()],
        ['usage records', () => this.recorder.recordClosedHours()],
        ['retention', () => this.rollups.applyRetention()],
      ] as const) {
        try {
          await step();
        } catch (error) {
          this.logger.warn(`usage ${what} not done this round: ${(error as Error).message}`);
        }
      }
    })().finally(() => (this.round = undefined));
    return this.round;
  }
}
