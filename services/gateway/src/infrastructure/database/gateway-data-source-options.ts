import type { DataSourceOptions } from 'typeorm';
import { ApiToken } from '../tokens/api-token.entity';
import { CreateApiTokens1751328000000 } from './migrations/1751328000000-create-api-tokens';

/** The gateway's tables and their migrations, newest last. */
export const gatewayEntities = [ApiToken];
export const gatewayMigrations = [CreateApiTokens1751328000000];

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
