import type { Queryable } from '@federa/eventstore';
import { ForecastUnits, type ForecastView, type GetForecastsQuery } from '@federa/contracts';
import type { Pool } from 'pg';

interface ForecastRow {
  scope: ForecastView['scope'];
  subject: string;
  resource: ForecastView['resource'];
  computed_at: Date;
  status: ForecastView['status'];
  horizon_hours: number;
  history_hours: number;
  demand: number | null;
  capacity: number | null;
  forecast_demand: number | null;
  runs_out_at: Date | null;
  warning: boolean;
  reason: string | null;
  history?: ForecastView['history'];
  points?: ForecastView['points'];
}

/**
 * Replaces every stored forecast with this run's, in one transaction: a subject that is gone (a
 * site whose hosts all retired) loses its forecast. Runs of several replicas take turns.
 */
export async function replaceForecasts(pool: Pool, views: readonly ForecastView[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('federa.statistics.forecasts'))`);
    await client.query('DELETE FROM statistics.forecasts');
    for (const view of views) await insertForecast(client, view);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function insertForecast(db: Queryable, view: ForecastView): Promise<void> {
  await db.query({
    text: `INSERT INTO statistics.forecasts (scope, subject, resource, computed_at, status,
             horizon_hours, history_hours, demand, capacity, forecast_demand, runs_out_at, warning,
             reason, history, points)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    values: [
      view.scope,
      view.subject ?? '',
      view.resource,
      view.computedAt,
      view.status,
      view.horizonHours,
      view.historyHours,
      view.demand,
      view.capacity,
      view.forecastDemand,
      view.runsOutAt,
      view.warning,
      view.reason,
      JSON.stringify(view.history ?? []),
      JSON.stringify(view.points ?? []),
    ],
  });
}

/** The stored forecasts a query selects, those that run out soonest first, then by name. */
export async function listForecasts(
  db: Queryable,
  query: GetForecastsQuery,
): Promise<ForecastView[]> {
  const withSeries = query.series === 'true';
  const { rows } = await db.query<ForecastRow>({
    text: `SELECT scope, subject, resource, computed_at, status, horizon_hours, history_hours, demand,
                  capacity, forecast_demand, runs_out_at, warning, reason
                  ${withSeries ? ', history, points' : ''}
             FROM statistics.forecasts
            WHERE ($1::text IS NULL OR scope = $1)
              AND ($2::text IS NULL OR subject = $2)
              AND ($3::text IS NULL OR resource = $3)
            ORDER BY runs_out_at ASC NULLS LAST,
                     array_position(ARRAY['fleet', 'site', 'application'], scope), subject, resource`,
    values: [query.scope ?? null, query.subject ?? null, query.resource ?? null],
  });
  return rows.map((row) => ({
    scope: row.scope,
    subject: row.scope === 'fleet' ? null : row.subject,
    resource: row.resource,
    unit: ForecastUnits[row.resource],
    status: row.status,
    computedAt: row.computed_at.toISOString(),
    horizonHours: row.horizon_hours,
    historyHours: row.history_hours,
    demand: row.demand,
    capacity: row.capacity,
    forecastDemand: row.forecast_demand,
    runsOutAt: row.runs_out_at?.toISOString() ?? null,
    warning: row.warning,
    reason: row.reason,
    ...(withSeries ? { history: row.history ?? [], points: row.points ?? [] } : {}),
  }));
}
