import type { Pool } from 'pg';
import { eventStoreMigrations } from './migrations';

/** Any constant shared by every Federa process: serialises migrations when many start at once. */
const migrationLockKey = 0x0fede7a1;

/** Brings the eventlog schema up to date; idempotent and safe to call from many processes at once. */
export async function migrateEventStore(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS eventlog;
        CREATE TABLE IF NOT EXISTS eventlog.migrations (
          id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const applied = new Set(
        (await client.query<{ id: string }>('SELECT id FROM eventlog.migrations')).rows.map(
          (r) => r.id,
        ),
      );
      for (const migration of eventStoreMigrations) {
        if (applied.has(migration.id)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO eventlog.migrations (id) VALUES ($1)', [migration.id]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]);
    }
  } finally {
    client.release();
  }
}
