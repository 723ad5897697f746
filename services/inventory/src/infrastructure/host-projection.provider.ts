import { Logger, type Provider } from '@nestjs/common';
import { LiveProjection, type EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import { EVENT_STORE, PG_POOL } from './inventory-tokens';
import { HostProjection } from './host-projection';

/** The hosts read model, followed for as long as the process runs (started and stopped by InventoryModule). */
export const hostProjectionProvider: Provider = {
  provide: LiveProjection,
  inject: [PG_POOL, EVENT_STORE],
  useFactory: (pool: Pool, store: EventStore) => {
    const logger = new Logger('HostProjection');
    return new LiveProjection(pool, store, new HostProjection(), {
      logError: (message) => logger.error(message),
    });
  },
};
