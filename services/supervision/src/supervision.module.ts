import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Subjects } from '@federa/contracts';
import {
  LiveProjection,
  PostgresEventStore,
  PostgresLeaderLease,
  openEventLogPool,
} from '@federa/eventstore';
import { connectNats } from '@federa/messaging';
import {
  drainWithin,
  endPoolWithin,
  healthPingController,
  postgresProbe,
  ServiceHealth,
} from '@federa/runtime';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { AgentLink } from './infrastructure/agent-link';
import { ObjectStoreBackupCatalog } from './infrastructure/object-store-backup-catalog';
import { NatsDiscoveryBucket } from './discovery/nats-discovery-bucket';
import { ServiceCommandsController } from './api/service-commands.controller';
import { InstanceListFollower } from './infrastructure/instance-list-follower';
import { SupervisionProjection } from './infrastructure/supervision-projection';
import { SupervisionReadModel } from './infrastructure/supervision-read-model';
import { supervisionLeaseName } from './supervisor/supervision-lease-name';
import { Supervisor } from './supervisor/supervisor';
import { type SupervisionSettings } from './supervision-config';
import { SupervisionView } from './domain/supervision-view';
import { SupervisionMetricsReporter } from './infrastructure/supervision-metrics';

const SETTINGS = Symbol('supervision settings');
const POOL = Symbol('supervision pool');
const NATS = Symbol('supervision nats');

/**
 * The supervision service: its command handlers, its read model in schema `supervision`, and the
 * supervisor loop (which decides from an in-memory view of the same fold), over the log and NATS.
 */
@Module({})
export class SupervisionModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly supervisor: Supervisor,
    private readonly readModel: LiveProjection,
    private readonly instanceList: InstanceListFollower,
    @Inject(POOL) private readonly pool: Pool,
    @Inject(NATS) private readonly nc: NatsConnection,
  ) {}

  static forRoot(settings: SupervisionSettings): DynamicModule {
    return {
      module: SupervisionModule,
      controllers: [ServiceCommandsController, healthPingController('supervision')],
      providers: [
        { provide: SETTINGS, useValue: settings },
        {
          provide: POOL,
          useFactory: async () => {
            return openEventLogPool(settings.databaseUrl, { service: 'supervision', max: 6 });
          },
        },
        { provide: NATS, useFactory: () => connectNats(settings.natsUrl, 'federa-supervision') },
        {
          provide: PostgresEventStore,
          inject: [POOL],
          useFactory: (pool: Pool) => new PostgresEventStore(pool),
        },
        { provide: SupervisionView, useFactory: () => new SupervisionView() },
        SupervisionMetricsReporter,
        {
          provide: SupervisionReadModel,
          inject: [POOL],
          useFactory: (pool: Pool) => new SupervisionReadModel(pool),
        },
        {
          provide: InstanceListFollower,
          inject: [POOL, PostgresEventStore],
          useFactory: (pool: Pool, store: PostgresEventStore) => {
            const logger = new Logger('InstanceList');
            return new InstanceListFollower(pool, store, {
              logError: (message) => logger.error(message),
            });
          },
        },
        {
          provide: LiveProjection,
          inject: [POOL, PostgresEventStore],
          useFactory: (pool: Pool, store: PostgresEventStore) => {
            const logger = new Logger('SupervisionReadModel');
            return new LiveProjection(pool, store, new SupervisionProjection(), {
              logError: (message) => logger.error(message),
            });
          },
        },
        {
          // What the gateway's /readyz hears from this replica (the ping's arrival proves NATS).
          provide: ServiceHealth,
          inject: [POOL, Supervisor, LiveProjection],
          useFactory: (pool: Pool, supervisor: Supervisor, readModel: LiveProjection) =>
            new ServiceHealth('supervision')
              .add('postgres', postgresProbe(pool))
              .add('log-subscription', () => supervisor.problem)
              .add('read-model', () => readModel.problem),
        },
        {
          provide: Supervisor,
          inject: [PostgresEventStore, SupervisionView, NATS],
          useFactory: (store: PostgresEventStore, view: SupervisionView, nc: NatsConnection) => {
            const subjects = new Subjects(settings.subjectPrefix);
            const discovery = new NatsDiscoveryBucket(nc, subjects.discoveryBucket);
            const supervisor = new Supervisor(
              store,
              view,
              new AgentLink(nc, subjects, settings.agentTimeoutMs),
              new PostgresLeaderLease(settings.databaseUrl, supervisionLeaseName),
              settings,
              Date.now,
              discovery,
              new ObjectStoreBackupCatalog(nc, subjects, settings.dataBucketReplicas),
            );
            discovery.watchReconnects(() => supervisor.reconnected());
            return supervisor;
          },
        },
      ],
    };
  }

  /** The read model catches up first, so that the first answers are current. */
  async onApplicationBootstrap(): Promise<void> {
    await this.readModel.start();
    this.instanceList.start();
    this.supervisor.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.supervisor.stop();
    await this.instanceList.stop();
    await this.readModel.stop();
    await drainWithin(this.nc, 'supervision');
    await endPoolWithin(this.pool, 'supervision');
  }
}
