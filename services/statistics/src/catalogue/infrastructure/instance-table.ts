import type { Queryable } from '@federa/eventstore';
import type { IntervalChange, PlacementInterval } from '../domain/placement-intervals';

/** A row of statistics.instances as pg returns it (one placement interval of an instance). */
export interface InstanceRow {
  id: string;
  opened_by: string;
  service: string;
  app: string;
  host: string;
  layer: string;
  cpu_millis: string;
  memory_bytes: string;
  storage_bytes: string;
  bandwidth_bps: string;
  cost_per_hour: number;
  placed_at: Date;
  ended_at: Date | null;
  closed_by: string | null;
}

function intervalOf(row: InstanceRow): PlacementInterval {
  return {
    instance: row.id,
    openedBy: Number(row.opened_by),
    service: row.service,
    app: row.app,
    host: row.host,
    layer: row.layer,
    resources: {
      cpuMillis: Number(row.cpu_millis),
      memoryBytes: Number(row.memory_bytes),
      storageBytes: Number(row.storage_bytes),
      bandwidthBps: Number(row.bandwidth_bps),
    },
    costPerHour: row.cost_per_hour,
    placedAt: row.placed_at.toISOString(),
  };
}

/** The instance's open interval, locked for the rest of the transaction. */
export async function loadOpenInterval(
  db: Queryable,
  instance: string,
): Promise<PlacementInterval | undefined> {
  const { rows } = await db.query<InstanceRow>({
    name: 'statistics.loadOpenInterval',
    text: 'SELECT * FROM statistics.instances WHERE id = $1 AND ended_at IS NULL FOR UPDATE',
    values: [instance],
  });
  return rows[0] && intervalOf(rows[0]);
}

/** Closes the open interval (if the change says so), then opens the next; idempotent per event. */
export async function applyIntervalChange(
  db: Queryable,
  instance: string,
  change: IntervalChange,
): Promise<void> {
  if (change.close) {
    await db.query({
      name: 'statistics.closeInterval',
      text: `UPDATE statistics.instances SET ended_at = $2, closed_by = $3
              WHERE id = $1 AND ended_at IS NULL`,
      values: [instance, change.close.at, change.close.closedBy],
    });
  }
  const o = change.open;
  if (o) {
    await db.query({
      name: 'statistics.openInterval',
      text: `INSERT INTO statistics.instances (id, opened_by, service, app, host, layer, cpu_millis,
               memory_bytes, storage_bytes, bandwidth_bps, cost_per_hour, placed_at)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
             ON CONFLICT (id, opened_by) DO NOTHING`,
      values: [
        o.instance,
        o.openedBy,
        o.service,
        o.app,
        o.host,
        o.layer,
        o.resources.cpuMillis,
        o.resources.memoryBytes,
        o.resources.storageBytes,
        o.resources.bandwidthBps,
        o.costPerHour,
        o.placedAt,
      ],
    });
  }
}

/**
 * Forgets the placement intervals that ended before `before` (open ones are kept whatever their
 * age). Answers how many were forgotten.
 */
export async function forgetIntervalsEndedBefore(db: Queryable, before: Date): Promise<number> {
  const result = await db.query({
    name: 'statistics.forgetIntervalsEndedBefore',
    text: `DELETE FROM statistics.instances WHERE ended_at IS NOT NULL AND ended_at < $1`,
    values: [before],
  });
  return result.rowCount ?? 0;
}
