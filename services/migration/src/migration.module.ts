import {
  Inject,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  LiveProjection,
  PostgresEventStore,
  openEventLogPool,
  type EventStore,
} from '@federa/eventstore';
import { CommandClient, connectNats } from '@federa/messaging';
import {
  drainWithin,
  endPoolWithin,
  healthPingController,
  postgresProbe,
  ServiceHealth,
} from '@federa/runtime';
import { Subjects } from '@federa/contracts';
import type { NatsConnection } from 'nats';
import type { Pool } from 'pg';
import { MigrationController } from './api/migration.controller';
import { MigrationStarter } from './api/migration-starter';
import { AgentEnds } from './infrastructure/agent-ends';
import { ClusterReader } from './infrastructure/cluster-reader';
import { DrainLogFollower } from './infrastructure/drain-log-follower';
import { MigrationProjection } from './infrastructure/migration-projection';
import { MigrationReadModel } from './infrastructure/migration-read-model';
import { MigrationMetricsReporter } from './infrastructure/migration-metrics';
import { PostgresSagaOwnership } from './infrastructure/postgres-saga-ownership';
import { unendedSagas } from './infrastructure/unended-sagas';
import { EVENT_STORE, NATS_CONNECTION, PG_POOL } from './infrastructure/migration-tokens';
import type { MigrationConfig } from './migration-config';
import { DrainRunner } from './saga/drain-runner';
import { MigrationLeadership } from './saga/migration-leadership';
import { MigrationRunner } from './saga/migration-runner';
import { SagaAdopter } from './saga/saga-adopter';

/**
 * The migration service: answers `cmd.migration.*` (replicas share them through the queue group;
 * the replica that records a migration runs it), drives each saga through the agents, and keeps the
 * migrations read model.
 */
@Module({})
export class MigrationModule
  implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    private readonly projection: LiveProjection,
    private readonly leadership: MigrationLeadership,
    private readonly adopter: SagaAdopter,
    private readonly ownership: PostgresSagaOwnership,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly drainLog: DrainLogFollower,
    private readonly drains: DrainRunner,
  ) {}

  static forRoot(config: MigrationConfig): DynamicModule {
    const logger = new Logger('migration');
    const subjects = new Subjects(config.federa.subjectPrefix);
    return {
      module: MigrationModule,
      controllers: [MigrationController, healthPingController('migration')],
      providers: [
        {
          provide: PG_POOL,
          useFactory: () =>
            openEventLogPool(config.federa.databaseUrl, { service: 'migration', max: 8 }),
        },
        {
          provide: EVENT_STORE,
          inject: [PG_POOL],
          useFactory: (pool: Pool) => new PostgresEventStore(pool),
        },
        {
          provide: NATS_CONNECTION,
          useFactory: () => connectNats(config.federa.natsUrl, 'federa-migration'),
        },
        {
          provide: LiveProjection,
          inject: [PG_POOL, EVENT_STORE],
          useFactory: (pool: Pool, store: EventStore) =>
            new LiveProjection(pool, store, new MigrationProjection(), {
              logError: (message) => logger.error(message),
            }),
        },
        MigrationReadModel,
        MigrationMetricsReporter,
        {
          // One leader per database adopts sagas whose owner fell silent (and drives drains).
          provide: MigrationLeadership,
          useFactory: () => MigrationLeadership.forDatabase(config.federa.databaseUrl),
        },
        {
          // This replica's owner leases of the sagas it runs (one Postgres session for all).
          provide: PostgresSagaOwnership,
          useFactory: () => new PostgresSagaOwnership(config.federa.databaseUrl),
        },
        {
          provide: MigrationRunner,
          inject: [EVENT_STORE, NATS_CONNECTION, PostgresSagaOwnership],
          useFactory: (store: EventStore, nc: NatsConnection, ownership: PostgresSagaOwnership) => {
            const ends = new AgentEnds(nc, subjects, new ClusterReader(store), {
              dataBucketReplicas: config.dataBucketReplicas,
            });
            return new MigrationRunner(store, ends, ends, {
              log: (message) => logger.warn(message),
              ownership,
            });
          },
        },
        {
          provide: SagaAdopter,
          inject: [PG_POOL, MigrationLeadership, PostgresSagaOwnership, MigrationRunner],
          useFactory: (
            pool: Pool,
            leadership: MigrationLeadership,
            ownership: PostgresSagaOwnership,
            runner: MigrationRunner,
          ) =>
            new SagaAdopter({
              isLeader: () => leadership.isLeader(),
              unended: () => unendedSagas(pool),
              ownership,
              runner,
              log: (message) => logger.warn(message),
            }),
        },
        {
          provide: MigrationStarter,
          inject: [EVENT_STORE, NATS_CONNECTION, MigrationRunner, PostgresSagaOwnership],
          useFactory: (
            store: EventStore,
            nc: NatsConnection,
            runner: MigrationRunner,
            ownership: PostgresSagaOwnership,
          ) =>
            new MigrationStarter(
              store,
              new CommandClient(nc, subjects),
              new ClusterReader(store),
              runner,
              (m) => logger.error(m),
              ownership,
            ),
        },
        {
          // The log as drains are decided from it; every replica follows it, the leader acts.
          provide: DrainLogFollower,
          inject: [EVENT_STORE],
          useFactory: (store: EventStore) =>
            new DrainLogFollower(store, (message) => logger.warn(message)),
        },
        {
          provide: DrainRunner,
          inject: [DrainLogFollower, MigrationStarter, MigrationLeadership, NATS_CONNECTION],
          useFactory: (
            follower: DrainLogFollower,
            starter: MigrationStarter,
            leadership: MigrationLeadership,
            nc: NatsConnection,
          ) =>
            new DrainRunner(
              {
                follower,
                startMove: async (instance, to, after, cause) =>
                  (
                    await starter.start(
                      { instance, ...(to ? { to } : {}) },
                      undefined,
                      'drain',
                      after,
                      { cause },
                    )
                  ).id,
                inventory: new CommandClient(nc, subjects),
                isLeader: () => leadership.isLeader(),
                log: (message) => logger.warn(message),
              },
              { maxParallel: config.drainMaxParallel },
            ),
        },
        {
          // What the gateway's /readyz hears from this replica (the ping's arrival proves NATS).
          provide: ServiceHealth,
          inject: [PG_POOL, LiveProjection],
          useFactory: (pool: Pool, projection: LiveProjection) =>
            new ServiceHealth('migration')
              .add('postgres', postgresProbe(pool))
              .add('read-model', () => projection.problem),
        },
      ],
    };
  }

  /** The read model catches up before the service answers anything. */
  async onModuleInit(): Promise<void> {
    await this.projection.start();
    await this.leadership.start();
    this.adopter.start();
    this.drainLog.start();
    this.drains.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drains.stop();
    await this.drainLog.stop();
    await this.adopter.stop();
    await this.leadership.stop();
    // Its sagas' leases go with it: the leader (another replica) takes them over where they are.
    await this.ownership.close();
    await this.projection.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await drainWithin(this.nc, 'migration');
    await endPoolWithin(this.pool, 'migration');
  }
}
