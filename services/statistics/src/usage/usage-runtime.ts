import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type Provider,
} from '@nestjs/common';
import { PostgresLeaderLease, type EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import { EVENT_STORE, PG_POOL, STATISTICS_CONFIG } from '../infrastructure/statistics-tokens';
import type { StatisticsConfig } from '../statistics-config';
import { HeartbeatUsageListener } from './api/heartbeat-usage.listener';
import { UsageLeadership, usageLeaseName } from './infrastructure/usage-leadership';
import { UsageMaintenance } from './infrastructure/usage-maintenance';
import { UsageReader } from './infrastructure/usage-reader';
import { UsageRecorder } from './infrastructure/usage-recorder';
import { UsageRollups } from './infrastructure/usage-rollups';
import { USAGE_CONFIG } from './infrastructure/usage-tokens';
import { loadUsageConfig, type UsageConfig } from './usage-config';

/** Starts usage leadership with the service, and hands it over (flushing first) when it stops. */
@Injectable()
export class UsageRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly leadership: UsageLeadership;
  readonly rollups: UsageRollups;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(STATISTICS_CONFIG) config: StatisticsConfig,
    @Inject(USAGE_CONFIG) usage: UsageConfig,
    listener: HeartbeatUsageListener,
  ) {
    this.rollups = new UsageRollups(pool, usage);
    const maintenance = new UsageMaintenance(
      this.rollups,
      new UsageRecorder(pool, store),
      usage.rollupMs,
    );
    this.leadership = new UsageLeadership(
      new PostgresLeaderLease(config.federa.databaseUrl, usageLeaseName),
      listener,
      maintenance,
    );
  }

  onApplicationBootstrap(): void {
    this.leadership.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.leadership.stop();
  }
}

/** The usage part's providers, for StatisticsModule. */
export function usageProviders(env: NodeJS.ProcessEnv = process.env): Provider[] {
  const usage = loadUsageConfig(env);
  return [
    { provide: USAGE_CONFIG, useValue: usage },
    HeartbeatUsageListener,
    {
      provide: UsageReader,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new UsageReader(pool, usage.minuteRetentionDays),
    },
    UsageRuntime,
  ];
}
