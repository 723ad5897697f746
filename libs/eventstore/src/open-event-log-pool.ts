import { serviceLogger } from '@federa/runtime/service-logger';
import { Pool } from 'pg';
import { watchPoolConnections } from './pool-connection-gauge';
import { migrateEventStore } from './schema/migrate-event-store';

export interface EventLogPoolOptions {
  /** Shown in pg_stat_activity as `federa-<service>`. */
  service: string;
  /** @default 8 */
  max?: number;
  /** Called when an idle connection dies (Postgres restarted, database dropped); @default a warning in the service's log */
  onIdleError?: (error: Error) => void;
}

/**
 * A service's pool on the event log database, migrated, and counted in `federa_db_pool_connections`.
 * A connection that dies with the server, idle or checked out, is reported instead of crashing the
 * process (pg throws on an unheard 'error').
 */
export async function openEventLogPool(
  databaseUrl: string,
  options: EventLogPoolOptions,
): Promise<Pool> {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: options.max ?? 8,
    application_name: `federa-${options.service}`,
  });
  // pino, not Nest's Logger: the pool is opened by processes that load no Nest (the CLI's imports).
  let log: ReturnType<typeof serviceLogger> | undefined;
  const lost =
    options.onIdleError ??
    ((error: Error) =>
      (log ??= serviceLogger(options.service)).warn(
        `idle Postgres connection lost: ${error.message}`,
      ));
  pool.on('error', lost);
  // A client checked out between two queries (a transaction waiting on NATS) that dies with the
  // server emits 'error' on itself, not on the pool: unheard, it would end the process. Its holder
  // learns from its next query; the pool drops it when it is released with the error.
  pool.on('connect', (client) => client.on('error', lost));
  await migrateEventStore(pool);
  watchPoolConnections(options.service, pool);
  return pool;
}
