import { Pool } from 'pg';
import { migrateEventStore } from './schema/migrate-event-store';

export interface EventLogPoolOptions {
  /** Shown in pg_stat_activity as `federa-<service>`. */
  service: string;
  /** @default 8 */
  max?: number;
  /** Called when an idle connection dies (Postgres restarted, database dropped); @default a line on stderr */
  onIdleError?: (error: Error) => void;
}

/**
 * A service's pool on the event log database, migrated. An idle connection that dies with the server
 * is dropped and reported instead of crashing the process (pg pools throw on an unheard 'error').
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
  pool.on(
    'error',
    options.onIdleError ??
      ((error) =>
        process.stderr.write(
          `[${options.service}] idle Postgres connection lost: ${error.message}\n`,
        )),
  );
  await migrateEventStore(pool);
  return pool;
}
