import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import { forgetIntervalsEndedBefore } from './instance-table';

const DAY_MS = 86_400_000;

export interface CatalogueRetentionOptions {
  /** Days a closed placement interval is kept after it ended: as long as hourly usage is kept. */
  keepDays: number;
  /** Whether this replica runs the round (one replica at a time does). */
  leads: () => Promise<boolean>;
  /** @default one hour */
  everyMs?: number;
  log?: (message: string) => void;
  clock?: () => Date;
}

/**
 * Keeps statistics.instances from growing with every instance ever placed: an interval that ended
 * before the oldest hour of usage kept names no usage any more, prices no window a report can ask
 * for, and is forgotten.
 */
export class CatalogueRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly pool: Pool,
    private readonly options: CatalogueRetentionOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.options
        .leads()
        .then((leads) => (leads ? this.runOnce() : 0))
        .then(() => undefined)
        .catch((error: unknown) =>
          this.options.log?.(`catalogue retention failed: ${String(error)}`),
        )
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(tick, this.options.everyMs ?? 3_600_000);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One round: forgets the intervals that ended more than keepDays ago; answers how many. */
  runOnce(): Promise<number> {
    const now = (this.options.clock ?? (() => new Date()))().getTime();
    return forgetIntervalsEndedBefore(this.pool, new Date(now - this.options.keepDays * DAY_MS));
  }
}
