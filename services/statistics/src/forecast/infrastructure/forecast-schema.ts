import type { Queryable } from '@federa/eventstore';

/**
 * The latest forecast of each quantity of each subject (fleet, site, application), replaced whole by
 * every run of the forecast job; what `GET /v1/forecasts` reads. The log keeps the history of capacity
 * forecasts (CapacityForecasted); this table only the newest, with its hourly points for charts.
 */
const forecastTables = `
CREATE TABLE IF NOT EXISTS statistics.forecasts (
  scope           text NOT NULL,
  -- The site or '<service>/<app>'; '' for the fleet.
  subject         text NOT NULL,
  resource        text NOT NULL,
  computed_at     timestamptz NOT NULL,
  status          text NOT NULL,
  horizon_hours   integer NOT NULL,
  history_hours   integer NOT NULL,
  demand          double precision,
  capacity        double precision,
  forecast_demand double precision,
  runs_out_at     timestamptz,
  warning         boolean NOT NULL,
  reason          text,
  -- [{at, value}] of the last days observed and [{at, mean, lower80, upper80, lower95, upper95}].
  history         jsonb NOT NULL,
  points          jsonb NOT NULL,
  PRIMARY KEY (scope, subject, resource)
);
`;

/** Creates the forecast table (idempotent); one of the statistics schema's area setups. */
export async function setupForecastTables(db: Queryable): Promise<void> {
  await db.query({ text: forecastTables });
}
