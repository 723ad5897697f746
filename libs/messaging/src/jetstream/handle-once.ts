import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in a transaction that also records (consumer, position) as handled; a position already
 * recorded is skipped. Returns false when skipped. Redeliveries therefore change nothing twice.
 */
export async function handleOnce(
  pool: Pool,
  consumer: string,
  position: number,
  work: (db: PoolClient) => Promise<void>,
): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const fresh = await client.query({
        name: 'messaging.markHandled',
        text: `INSERT INTO eventlog.handled_positions (consumer, position) VALUES ($1, $2)
               ON CONFLICT DO NOTHING`,
        values: [consumer, position],
      });
      if (fresh.rowCount === 1) await work(client);
      await client.query('COMMIT');
      return fresh.rowCount === 1;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    client.release();
  }
}
