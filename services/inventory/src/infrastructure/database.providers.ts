import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { PostgresEventStore, openEventLogPool } from '@federa/eventstore';
import { Pool } from 'pg';
import type { InventoryConfig } from '../inventory-config';
import { EVENT_STORE, INVENTORY_CONFIG, PG_POOL } from './inventory-tokens';
import { endPoolWithin } from '@federa/runtime';

export const databaseProviders: Provider[] = [
  {
    provide: PG_POOL,
    inject: [INVENTORY_CONFIG],
    useFactory: async (config: InventoryConfig) => {
      return openEventLogPool(config.federa.databaseUrl, { service: 'inventory', max: 8 });
    },
  },
  {
    provide: EVENT_STORE,
    inject: [PG_POOL],
    useFactory: (pool: Pool) => new PostgresEventStore(pool),
  },
];

/** Closes the pool last, after every user of it stopped. */
@Injectable()
export class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await endPoolWithin(this.pool, 'inventory');
  }
}
