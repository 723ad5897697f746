import type { Queryable } from '@federa/eventstore';
import type { Pool } from 'pg';
import type { BudgetState } from '../domain/budget-watch';

/**
 * Where each budgeted service stands, as its `budget-<service>` stream says: a cache of
 * the stream for the watcher and the cost report. The stream is the truth; a version that lags it
 * shows as a conflict on append and is refreshed from the stream.
 */
export const budgetBreachesSql = `
CREATE TABLE IF NOT EXISTS statistics.budget_breaches (
  service                text PRIMARY KEY,
  in_breach              boolean NOT NULL,
  version                integer NOT NULL,
  exceeded_since         timestamptz,
  exceeded_cost_per_hour double precision
);
`;

export async function setupBudgetBreaches(db: Queryable): Promise<void> {
  await db.query({ text: budgetBreachesSql });
}

export interface BudgetBreach extends BudgetState {
  exceededSince: string | null;
  exceededCostPerHour: number | null;
}

export class BudgetBreaches {
  constructor(private readonly db: Pool) {}

  async all(): Promise<Map<string, BudgetBreach>> {
    const { rows } = await this.db.query<{
      service: string;
      in_breach: boolean;
      version: number;
      exceeded_since: Date | null;
      exceeded_cost_per_hour: number | null;
    }>(
      `SELECT service, in_breach, version, exceeded_since, exceeded_cost_per_hour FROM statistics.budget_breaches`,
    );
    return new Map(
      rows.map((r) => [
        r.service,
        {
          inBreach: r.in_breach,
          version: r.version,
          exceededSince: r.exceeded_since?.toISOString() ?? null,
          exceededCostPerHour: r.exceeded_cost_per_hour,
        },
      ]),
    );
  }

  async save(service: string, breach: BudgetBreach): Promise<void> {
    await this.db.query(
      `INSERT INTO statistics.budget_breaches (service, in_breach, version, exceeded_since, exceeded_cost_per_hour)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (service) DO UPDATE SET in_breach = $2, version = $3, exceeded_since = $4,
         exceeded_cost_per_hour = $5
       WHERE statistics.budget_breaches.version <= $3`,
      [service, breach.inBreach, breach.version, breach.exceededSince, breach.exceededCostPerHour],
    );
  }
}
