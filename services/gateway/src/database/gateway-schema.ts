import type { Pool } from 'pg';

/** Named rather than numbered, so that it cannot collide with another component's lock constant. */
const migrationLock = 'federa.gateway.schema-migrations';

const migrations: { id: string; sql: string }[] = [
  {
    id: '001-api-tokens',
    sql: `CREATE TABLE gateway.api_tokens (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`,
  },
];

/** Brings the `gateway` schema up to date; idempotent and safe from many replicas at once. */
export async function migrateGatewaySchema(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [migrationLock]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS gateway;
        CREATE TABLE IF NOT EXISTS gateway.migrations (
          id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const applied = new Set(
        (await client.query<{ id: string }>('SELECT id FROM gateway.migrations')).rows.map(
          (r) => r.id,
        ),
      );
      for (const migration of migrations) {
        if (applied.has(migration.id)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO gateway.migrations (id) VALUES ($1)', [migration.id]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [migrationLock]);
    }
  } finally {
    client.release();
  }
}
