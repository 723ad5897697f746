import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PostgresEventStore, openEventLogPool } from '@federa/eventstore';
import { connectNats } from '@federa/messaging';
import { healthPingController, postgresProbe, ServiceHealth } from '@federa/runtime';
import type { NatsConnection } from 'nats';
import type { Pool } from 'pg';
import { setupStatisticsSchema } from './infrastructure/statistics-schema';
import {
  EVENT_STORE,
  NATS_CONNECTION,
  PG_POOL,
  STATISTICS_CONFIG,
} from './infrastructure/statistics-tokens';
import type { StatisticsConfig } from './statistics-config';

/**
 * The statistics service: follows the public event stream (a JetStream durable consumer) into its
 * own tables in the `statistics` schema, and answers `cmd.statistics.*` from them.
 */
@Module({})
export class StatisticsModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  static forRoot(config: StatisticsConfig): DynamicModule {
    return {
      module: StatisticsModule,
      controllers: [healthPingController('statistics')],
      providers: [
        { provide: STATISTICS_CONFIG, useValue: config },
        {
          // Migrated (event log and statistics' own tables) before anything else uses it.
          provide: PG_POOL,
          useFactory: async () => {
            const pool = await openEventLogPool(config.federa.databaseUrl, {
              service: 'statistics',
              max: 8,
            });
            await setupStatisticsSchema(pool);
            return pool;
          },
        },
        {
          provide: EVENT_STORE,
          inject: [PG_POOL],
          useFactory: (pool: Pool) => new PostgresEventStore(pool),
        },
        {
          provide: NATS_CONNECTION,
          useFactory: () => connectNats(config.federa.natsUrl, 'federa-statistics'),
        },
        {
          // What the gateway's /readyz hears from this replica (the ping's arrival proves NATS).
          provide: ServiceHealth,
          inject: [PG_POOL],
          useFactory: (pool: Pool) =>
            new ServiceHealth('statistics').add('postgres', postgresProbe(pool)),
        },
      ],
    };
  }

  async beforeApplicationShutdown(): Promise<void> {}

  async onApplicationShutdown(): Promise<void> {
    await this.nc.drain().catch(() => undefined);
    await this.pool.end();
  }
}
