import type { Pool } from 'pg';

/** Each live service's `budget.maxCostPerHour`, from the catalogue (services without one left out). */
export async function serviceBudgets(pool: Pool): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ name: string; max_cost_per_hour: number }>(
    `SELECT name, max_cost_per_hour FROM statistics.services
     WHERE max_cost_per_hour IS NOT NULL AND deleted_at IS NULL`,
  );
  return new Map(rows.map((r) => [r.name, r.max_cost_per_hour]));
}
