import {
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Subjects } from '@federa/contracts';
import { PostgresEventStore, PostgresLeaderLease, openEventLogPool } from '@federa/eventstore';
import { connectNats } from '@federa/messaging';
import {
  answerHealthPings,
  drainWithin,
  endPoolWithin,
  eventStreamSettingsFromEnv,
  loadConfig,
  postgresProbe,
  ServiceHealth,
  type FederaConfig,
} from '@federa/runtime';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { EventRelay } from './infrastructure/event-relay';
import { relayLeaseName } from './infrastructure/relay-lease-name';
import { relayConnectionOptions } from './infrastructure/relay-connection-options';
import { reportRelayLag } from './infrastructure/relay-lag';

const CONFIG = Symbol('relay config');
const POOL = Symbol('relay pool');
const NATS = Symbol('relay nats');

/** The relay process: one EventRelay wired to the configured Postgres and NATS. */
@Module({
  providers: [
    { provide: CONFIG, useFactory: () => loadConfig() },
    {
      provide: POOL,
      inject: [CONFIG],
      useFactory: async (config: FederaConfig) => {
        return openEventLogPool(config.databaseUrl, { service: 'relay', max: 4 });
      },
    },
    {
      provide: NATS,
      inject: [CONFIG],
      useFactory: (config: FederaConfig) =>
        connectNats(config.natsUrl, 'federa-relay', relayConnectionOptions),
    },
    {
      provide: EventRelay,
      inject: [CONFIG, POOL, NATS],
      useFactory: (config: FederaConfig, pool: Pool, nc: NatsConnection) => {
        const logger = new Logger('EventRelay');
        return new EventRelay({
          pool,
          nc,
          store: new PostgresEventStore(pool),
          subjects: new Subjects(config.subjectPrefix),
          lease: new PostgresLeaderLease(config.databaseUrl, relayLeaseName),
          streamSettings: eventStreamSettingsFromEnv(),
          onStreamChange: ({ changes, warnings }) => {
            logger.log(`event stream settings changed: ${changes.join(', ')}`);
            for (const warning of warnings) logger.warn(warning);
          },
          onStreamChangeDeferred: (reason) => logger.warn(reason),
          onRoleChange: (role) => logger.log(`relay ${role}`),
          onError: (error) => logger.error(`relay error: ${String(error)}`),
        });
      },
    },
  ],
})
export class RelayModule implements OnApplicationBootstrap, OnApplicationShutdown {
  /** What the gateway's ping and the process's /readyz ask; its checks are added at bootstrap. */
  readonly health = new ServiceHealth('relay');
  private unreportLag: (() => void) | undefined;

  constructor(
    private readonly relay: EventRelay,
    @Inject(POOL) private readonly pool: Pool,
    @Inject(NATS) readonly nc: NatsConnection,
    @Inject(CONFIG) private readonly config: FederaConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
    this.unreportLag = reportRelayLag({
      pool: this.pool,
      checkpointName: this.relay.checkpointName,
    });
    // The relay has no command transport: it answers /readyz's ping on its own connection.
    this.health
      .add('postgres', postgresProbe(this.pool))
      .add('publishing', () => this.relay.problem);
    answerHealthPings(
      this.nc,
      new Subjects(this.config.subjectPrefix).health('relay'),
      this.health,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.unreportLag?.();
    await this.relay.stop();
    await drainWithin(this.nc, 'relay');
    await endPoolWithin(this.pool, 'relay');
  }
}
