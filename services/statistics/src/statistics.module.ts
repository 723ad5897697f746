import {
  Inject,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PostgresEventStore, openEventLogPool, type EventStore } from '@federa/eventstore';
import { connectNats } from '@federa/messaging';
import { Subjects } from '@federa/contracts';
import {
  drainWithin,
  endPoolWithin,
  healthPingController,
  postgresProbe,
  ServiceHealth,
} from '@federa/runtime';
import type { NatsConnection } from 'nats';
import type { Pool } from 'pg';
import { UsageController } from './usage/api/usage.controller';
import { usageProviders } from './usage/usage-runtime';
import { loadUsageConfig } from './usage/usage-config';
import { catalogueHandler } from './catalogue/infrastructure/catalogue-handler';
import { CatalogueRetention } from './catalogue/infrastructure/catalogue-retention';
import { CostController } from './cost/api/cost.controller';
import { budgetCheckMs, costProviders } from './cost/cost.providers';
import { ForecastController } from './forecast/api/forecast.controller';
import { loadForecastConfig } from './forecast/forecast-config';
import { forecastProviders } from './forecast/forecast.providers';
import { CapacityRunOutReporter } from './forecast/infrastructure/capacity-runout-metrics';
import { StatisticsEventConsumer } from './consumer/infrastructure/statistics-event-consumer';
import { StatisticsEventHandlers } from './consumer/statistics-event-handlers';
import { JobsLeadership } from './infrastructure/jobs-leadership';
import { setupStatisticsSchema } from './infrastructure/statistics-schema';
import {
  EVENT_STORE,
  JOBS_LEADERSHIP,
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
export class StatisticsModule
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    private readonly consumer: StatisticsEventConsumer,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JOBS_LEADERSHIP) private readonly jobs: JobsLeadership,
  ) {}

  static forRoot(config: StatisticsConfig): DynamicModule {
    const logger = new Logger('statistics');
    return {
      module: StatisticsModule,
      controllers: [
        healthPingController('statistics'),
        UsageController,
        CostController,
        ForecastController,
      ],
      providers: [
        { provide: STATISTICS_CONFIG, useValue: config },
        ...usageProviders(),
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
          // Periodic jobs (forecasts; budget checks may ask it too) run on one replica at a time.
          provide: JOBS_LEADERSHIP,
          useFactory: () =>
            new JobsLeadership(config.federa.databaseUrl, config.federa.subjectPrefix),
        },
        {
          // Areas register their handlers here (inject it); the catalogue's comes first.
          provide: StatisticsEventHandlers,
          useFactory: () => {
            const handlers = new StatisticsEventHandlers();
            handlers.register(catalogueHandler);
            return handlers;
          },
        },
        {
          provide: StatisticsEventConsumer,
          inject: [PG_POOL, EVENT_STORE, NATS_CONNECTION, StatisticsEventHandlers],
          useFactory: (
            pool: Pool,
            store: EventStore,
            nc: NatsConnection,
            handlers: StatisticsEventHandlers,
          ) =>
            new StatisticsEventConsumer({
              nc,
              subjects: new Subjects(config.federa.subjectPrefix),
              pool,
              store,
              databaseUrl: config.federa.databaseUrl,
              handlers,
              durable: config.consumerName,
              ...config.consumer,
              streamSettings: config.streamSettings,
              log: (message) => logger.warn(message),
              onSettingsChange: (message) => logger.log(message),
              onActive: (message) => logger.log(message),
            }),
        },
        {
          // What the gateway's /readyz hears from this replica (the ping's arrival proves NATS).
          provide: ServiceHealth,
          inject: [PG_POOL, StatisticsEventConsumer],
          useFactory: (pool: Pool, consumer: StatisticsEventConsumer) =>
            new ServiceHealth('statistics')
              .add('postgres', postgresProbe(pool))
              .add('event-stream', () => consumer.problem),
        },
        {
          provide: CatalogueRetention,
          inject: [PG_POOL, JOBS_LEADERSHIP],
          useFactory: (pool: Pool, jobs: JobsLeadership) =>
            new CatalogueRetention(pool, {
              keepDays: loadUsageConfig().hourlyRetentionDays,
              leads: () => jobs.leads(),
              log: (message) => logger.warn(message),
            }),
        },
        ...costProviders(budgetCheckMs()),
        ...forecastProviders(loadForecastConfig()),
        CapacityRunOutReporter,
      ],
    };
  }

  /** Every area has registered its handlers by now (module init): the consumer starts. */
  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    // The jobs stopped before (their own shutdown hooks): another replica may lead them now.
    await this.jobs.release().catch(() => undefined);
    await drainWithin(this.nc, 'statistics');
    await endPoolWithin(this.pool, 'statistics');
  }
}
