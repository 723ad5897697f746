import type { Queryable } from '@federa/eventstore';
import type { ServiceRecord } from '../domain/service-record';

/** A row of statistics.services as pg returns it. */
export interface ServiceRow {
  name: string;
  revision: number;
  max_cost_per_hour: number | null;
  applications: string[];
  defined_at: Date;
  deleted_at: Date | null;
  position: string;
}

export function serviceRecordOf(row: ServiceRow): ServiceRecord {
  return {
    name: row.name,
    revision: row.revision,
    maxCostPerHour: row.max_cost_per_hour,
    applications: row.applications,
    definedAt: row.defined_at.toISOString(),
    deletedAt: row.deleted_at?.toISOString() ?? null,
    position: Number(row.position),
  };
}

/** The service's record, locked for the rest of the transaction. */
export async function loadService(db: Queryable, name: string): Promise<ServiceRecord | undefined> {
  const { rows } = await db.query<ServiceRow>({
    name: 'statistics.loadService',
    text: 'SELECT * FROM statistics.services WHERE name = $1 FOR UPDATE',
    values: [name],
  });
  return rows[0] && serviceRecordOf(rows[0]);
}

export async function saveService(db: Queryable, s: ServiceRecord): Promise<void> {
  await db.query({
    name: 'statistics.saveService',
    text: `INSERT INTO statistics.services
             (name, revision, max_cost_per_hour, applications, defined_at, deleted_at, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (name) DO UPDATE SET revision = $2, max_cost_per_hour = $3,
             applications = $4, defined_at = $5, deleted_at = $6, position = $7`,
    values: [
      s.name,
      s.revision,
      s.maxCostPerHour,
      s.applications,
      s.definedAt,
      s.deletedAt,
      s.position,
    ],
  });
}
