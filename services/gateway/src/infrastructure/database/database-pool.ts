import { watchPoolConnections } from '@federa/eventstore';
import { Pool } from 'pg';
import type { Logger } from 'pino';

/** Injection token of the gateway's pg Pool. */
export const DATABASE_POOL = Symbol('DATABASE_POOL');

/**
 * The gateway's pool: short connect timeouts so that a request (and readiness) fails fast when
 * Postgres is down, and idle clients that die with the server are dropped instead of crashing.
 * Counted in `federa_db_pool_connections{service="gateway"}`.
 */
export function createDatabasePool(databaseUrl: string, log: Pick<Logger, 'warn'>): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: 10,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 10_000,
    application_name: 'federa-gateway',
    query_timeout: 10_000,
  });
  pool.on('error', (error) => log.warn({ err: error }, 'idle Postgres connection lost'));
  // A checked-out client that dies with the server emits 'error' on itself, not on the pool.
  pool.on('connect', (client) =>
    client.on('error', (error) => log.warn({ err: error }, 'Postgres connection lost')),
  );
  watchPoolConnections('gateway', pool);
  return pool;
}
