import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  compiledContractsEventValidator,
  LogSubscription,
  PostgresEventStore,
  openEventLogPool,
} from '@federa/eventstore';
import {
  endPoolWithin,
  healthPingController,
  loadConfig,
  postgresProbe,
  ServiceHealth,
  type FederaConfig,
} from '@federa/runtime';
import { Pool } from 'pg';
import { PlacementStack } from './domain/placement-stack';
import { InstanceRequestIntake, type ReplicaShare } from './engine/instance-request-intake';
import { MIN_SAVING_PER_HOUR, PlacementController } from './api/placement.controller';
import { PlacementEngine } from './engine/placement-engine';
import { MeasuredPlacementEngine } from './engine/measured-placement-engine';
import { minSavingFromEnv } from './recommend-min-saving';

const POOL = Symbol('placement pool');
const SHARE = Symbol('placement replica share');
const HEALTH = Symbol('placement health');
/** Events read per page of the log. */
const PAGE = 1000;

export interface PlacementModuleOptions {
  config?: FederaConfig;
  /** @default FEDERA_PLACEMENT_REPLICA_INDEX / FEDERA_PLACEMENT_REPLICAS, or 0 of 1 */
  share?: ReplicaShare;
}

/**
 * The placement service: follows the log (inventory, services, allocations, instance requests),
 * places requested instances, and answers placement commands.
 */
@Module({})
export class PlacementModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: LogSubscription | undefined;
  private intake: InstanceRequestIntake | undefined;
  private readonly logger = new Logger('placement');

  constructor(
    private readonly engine: PlacementEngine,
    @Inject(POOL) private readonly pool: Pool,
    @Inject(SHARE) private readonly share: ReplicaShare,
    @Inject(HEALTH) health: ServiceHealth,
  ) {
    health
      .add('postgres', postgresProbe(pool))
      .add('log-subscription', () =>
        this.subscription ? this.subscription.problem : 'not started',
      );
  }

  static forRoot(options: PlacementModuleOptions = {}): DynamicModule {
    const config = options.config ?? loadConfig();
    return {
      module: PlacementModule,
      controllers: [PlacementController, healthPingController('placement')],
      providers: [
        { provide: SHARE, useValue: options.share ?? shareFromEnv(process.env) },
        { provide: MIN_SAVING_PER_HOUR, useValue: minSavingFromEnv(process.env) },
        // What the gateway's /readyz hears from this replica; its checks are added by the module.
        { provide: HEALTH, useValue: new ServiceHealth('placement') },
        { provide: ServiceHealth, useExisting: HEALTH },
        {
          provide: POOL,
          useFactory: async () => {
            return openEventLogPool(config.databaseUrl, { service: 'placement', max: 8 });
          },
        },
        {
          provide: PlacementEngine,
          inject: [POOL],
          // Every event is still checked against its contract class, through compiled checks (ADR).
          useFactory: (pool: Pool) =>
            new MeasuredPlacementEngine(
              new PostgresEventStore(pool, { validate: compiledContractsEventValidator() }),
              new PlacementStack(),
            ),
        },
      ],
    };
  }

  onApplicationBootstrap(): void {
    this.intake = this.newIntake();
    const store = new PostgresEventStore(this.pool);
    this.subscription = new LogSubscription(
      store,
      (events) => this.intake!.onEvents(events, events.length < PAGE),
      {
        batchSize: PAGE,
        pollMs: 50,
        onError: (error) =>
          this.logger.error(`applying the log failed, folding it again: ${String(error)}`),
        // The model lives in memory: the one checkpoint it durably knows is the start of the log.
        recover: async () => {
          this.intake?.stop();
          await this.engine.reset();
          this.intake = this.newIntake();
          return null;
        },
        onReadRetry: (error, attempt) => {
          // Once when the log becomes unreadable, then now and then while it stays so.
          if (attempt === 1 || attempt % 20 === 0)
            this.logger.warn(`reading the log failed (${attempt}×), retrying: ${String(error)}`);
        },
      },
    );
  }

  private newIntake(): InstanceRequestIntake {
    return new InstanceRequestIntake(this.engine, this.share, (error, instances) =>
      this.logger.error(
        `could not place ${instances.join(', ')}, trying again shortly: ${String(error)}`,
      ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.intake?.stop();
    await this.subscription?.stop();
    await endPoolWithin(this.pool, 'placement');
  }
}

/** FEDERA_PLACEMENT_REPLICA_INDEX of FEDERA_PLACEMENT_REPLICAS; a bad value names its variable. */
export function shareFromEnv(env: NodeJS.ProcessEnv): ReplicaShare {
  const rawIndex = env.FEDERA_PLACEMENT_REPLICA_INDEX;
  // Kubernetes sets it from the pod-index label; where that label is missing (before 1.28, or with
  // the PodIndexLabel feature gate off) the kubelet gives "", which Number() would read as 0: every
  // replica would then place only replica 0's share, and the rest would wait for ever.
  if (rawIndex !== undefined && !/^\d+$/.test(rawIndex)) {
    throw new Error(
      `FEDERA_PLACEMENT_REPLICA_INDEX must be a non-negative integer, got ${JSON.stringify(rawIndex)}; on Kubernetes it comes from the pod label apps.kubernetes.io/pod-index, which needs Kubernetes 1.28 or later (PodIndexLabel)`,
    );
  }
  const count = Number(env.FEDERA_PLACEMENT_REPLICAS ?? '1');
  const index = Number(rawIndex ?? '0');
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(
      `FEDERA_PLACEMENT_REPLICAS must be a positive integer, got ${JSON.stringify(env.FEDERA_PLACEMENT_REPLICAS)}`,
    );
  }
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(
      `FEDERA_PLACEMENT_REPLICA_INDEX must be an integer from 0 to ${count - 1}, got ${JSON.stringify(env.FEDERA_PLACEMENT_REPLICA_INDEX)}`,
    );
  }
  return { index, count };
}
