import { DataSource, MigrationExecutor } from 'typeorm';
import { gatewayDataSourceOptions } from './gateway-data-source-options';

/**
 * Named rather than numbered, so that it cannot collide with another component's lock constant;
 * the same name as before TypeORM, so that an older gateway starting alongside waits as well.
 */
const migrationLock = 'federa.gateway.schema-migrations';

/**
 * Brings the `gateway` schema up to date with the TypeORM migrations of `dataSource` (an
 * initialized gateway DataSource); idempotent and safe from many replicas at once.
 */
export async function migrateGatewaySchema(dataSource: DataSource): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    // TypeORM has no lock of its own: two gateways would both see a migration pending.
    await queryRunner.query('SELECT pg_advisory_lock(hashtext($1))', [migrationLock]);
    try {
      // TypeORM's bookkeeping table lives in the schema, so the schema must come first.
      await queryRunner.query('CREATE SCHEMA IF NOT EXISTS gateway');
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'each';
      await executor.executePendingMigrations();
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock(hashtext($1))', [migrationLock]);
    }
  } finally {
    await queryRunner.release();
  }
}

/** Migrates the gateway schema of the database at `databaseUrl` with a connection of its own. */
export async function migrateGatewayDatabase(databaseUrl: string): Promise<void> {
  const dataSource = await new DataSource(gatewayDataSourceOptions(databaseUrl, 1)).initialize();
  try {
    await migrateGatewaySchema(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
