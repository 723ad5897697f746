import type { Pool } from 'pg';

/**
 * The migrations whose saga has not ended, as the read model has them (`rolling-back` reads as
 * running): what the leader offers to take over. Oldest first, at most `limit`.
 */
export async function unendedSagas(pool: Pool, limit = 500): Promise<string[]> {
  const result = await pool.query<{ id: string }>({
    text: `SELECT id FROM migration.migrations WHERE state IN ('pending', 'running')
           ORDER BY updated_at LIMIT $1`,
    values: [limit],
  });
  return result.rows.map((r) => r.id);
}
