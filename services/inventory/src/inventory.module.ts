import {
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnModuleInit,
} from '@nestjs/common';
import { LiveProjection, PostgresLeaderLease } from '@federa/eventstore';
import { healthPingController, postgresProbe, ServiceHealth } from '@federa/runtime';
import type { Pool } from 'pg';
import { HostsController } from './api/hosts.controller';
import { LivenessTracker } from './domain/liveness-tracker';
import { monotonicNow } from './infrastructure/monotonic-clock';
import { HostCommandHandler } from './api/host-command.handler';
import { databaseProviders, PoolCloser } from './infrastructure/database.providers';
import { INVENTORY_CONFIG, PG_POOL } from './infrastructure/inventory-tokens';
import type { InventoryConfig } from './inventory-config';
import { HeartbeatListener } from './api/heartbeat.listener';
import { HostRoster } from './infrastructure/host-roster';
import { livenessLeaseName } from './liveness/liveness-lease-name';
import { LivenessLoop } from './liveness/liveness.loop';
import { hostProjectionProvider } from './infrastructure/host-projection.provider';
import { HostReadModel } from './infrastructure/host-read-model';
import { RegistrationController } from './api/registration.controller';
import { HostDataBuckets } from './infrastructure/host-data-buckets';
import { HostMetricsReporter } from './infrastructure/host-metrics';

/**
 * The inventory service: registration, liveness, operator actions and the hosts read model. Runs
 * as several replicas on one database: all answer commands, one at a time records liveness.
 */
@Module({})
export class InventoryModule implements OnModuleInit, BeforeApplicationShutdown {
  constructor(private readonly hosts: LiveProjection) {}

  static forRoot(config: InventoryConfig): DynamicModule {
    return {
      module: InventoryModule,
      controllers: [RegistrationController, HostsController, healthPingController('inventory')],
      providers: [
        { provide: INVENTORY_CONFIG, useValue: config },
        ...databaseProviders,
        PoolCloser,
        {
          provide: LivenessTracker,
          useFactory: () => new LivenessTracker(config.liveness, monotonicNow),
        },
        HostCommandHandler,
        HostReadModel,
        hostProjectionProvider,
        HostRoster,
        {
          provide: PostgresLeaderLease,
          useFactory: () => new PostgresLeaderLease(config.federa.databaseUrl, livenessLeaseName),
        },
        LivenessLoop,
        HeartbeatListener,
        HostDataBuckets,
        HostMetricsReporter,
        {
          // What the gateway's /readyz hears from this replica (the ping's arrival proves NATS).
          provide: ServiceHealth,
          inject: [PG_POOL, LiveProjection],
          useFactory: (pool: Pool, hosts: LiveProjection) =>
            new ServiceHealth('inventory')
              .add('postgres', postgresProbe(pool))
              .add('read-model', () => hosts.problem),
        },
      ],
    };
  }

  /** The hosts read model catches up before the service answers anything (bootstrap comes after). */
  async onModuleInit(): Promise<void> {
    await this.hosts.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.hosts.stop();
  }
}
