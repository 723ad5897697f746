import { migrateEventStore } from '@federa/eventstore';
import { Client, Pool } from 'pg';
import { migrateGatewayDatabase } from '../../../services/gateway/src';

/** The database a Postgres URL names (`federa` when it names none). */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'federa';
}

/** Creates the database of `url` when its server does not have it yet (asking the `postgres` database). */
export async function createDatabaseIfMissing(url: string): Promise<boolean> {
  const name = databaseName(url);
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({
    connectionString: maintenance.toString(),
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client
      .query(`CREATE DATABASE ${client.escapeIdentifier(name)}`)
      // Another `federa up` or a service may have created it in the meantime.
      .catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error;
      });
    return true;
  } finally {
    await client.end();
  }
}

/** Brings the event log and the gateway's schema up to date. */
export async function migrateDatabase(url: string): Promise<void> {
  const pool = new Pool({ connectionString: url, max: 2 });
  try {
    await migrateEventStore(pool);
  } finally {
    await pool.end();
  }
  await migrateGatewayDatabase(url);
}
