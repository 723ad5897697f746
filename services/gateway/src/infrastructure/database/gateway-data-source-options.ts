import type { DataSourceOptions } from 'typeorm';
import { ApiToken } from '../tokens/api-token.entity';
import { CreateApiTokens1751328000000 } from './migrations/1751328000000-create-api-tokens';
import { AddTokenExpiry1765065600000 } from './migrations/1765065600000-add-token-expiry';
import { UniqueLiveTokenNames1765152000000 } from './migrations/1765152000000-unique-live-token-names';
import { CreateSessions1796601600000 } from './migrations/1796601600000-create-sessions';
import { AddSessionAdminTokenHash1796688000000 } from './migrations/1796688000000-add-session-admin-token-hash';

/** The gateway's tables and their migrations, newest last. */
export const gatewayEntities = [ApiToken];
export const gatewayMigrations = [
  CreateApiTokens1751328000000,
  AddTokenExpiry1765065600000,
  UniqueLiveTokenNames1765152000000,
  CreateSessions1796601600000,
  AddSessionAdminTokenHash1796688000000,
];

/**
 * The gateway's TypeORM connection to `databaseUrl`: schema `gateway`, never synchronized, its
 * migrations run by `migrateGatewaySchema` (under a lock) rather than by TypeORM at connect; short
 * connect and query timeouts so that a request fails fast when Postgres is down.
 */
export function gatewayDataSourceOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    schema: 'gateway',
    entities: gatewayEntities,
    migrations: gatewayMigrations,
    // Not `migrations`: that name is the former hand-run migrations' table, kept for old gateways.
    migrationsTableName: 'typeorm_migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    poolSize,
    applicationName: 'federa-gateway',
    connectTimeoutMS: 2000,
    extra: { idleTimeoutMillis: 10_000, query_timeout: 10_000 },
  };
}
