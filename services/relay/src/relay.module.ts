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
          onRoleChange: (role) => logger.log(`relay ${role}`),
          onError: (error) => logger.error(`relay error: ${String(error)}`),
        });
      },
    },
  ],
})
export class RelayModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly relay: EventRelay,
    @Inject(POOL) private readonly pool: Pool,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(CONFIG) private readonly config: FederaConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
    // The relay has no command transport: it answers /readyz's ping on its own connection.
    const health = new ServiceHealth('relay')
      .add('postgres', postgresProbe(this.pool))
      .add('publishing', () => this.relay.problem);
    answerHealthPings(this.nc, new Subjects(this.config.subjectPrefix).health('relay'), health);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.nc.drain().catch(() => undefined);
    await this.pool.end();
  }
}
