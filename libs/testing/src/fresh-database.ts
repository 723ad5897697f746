import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A database of its own for one test file, dropped by `drop()`. */
export interface FreshDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The server tests create their databases on: FEDERA_TEST_DATABASE_URL or the local Postgres. */
export function testServerUrl(): string {
  return process.env.FEDERA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export async function freshDatabase(
  label = 'test',
  serverUrl = testServerUrl(),
): Promise<FreshDatabase> {
  const name = `federa_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        // Connections of pools that are still closing get a moment to go: forcing at once would
        // kill their idle clients and surface as an unhandled pool error in whichever test runs next.
        for (let attempt = 0; attempt < 20; attempt++) {
          const { rows } = await client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if (rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
