/** How the forecast job runs. */
export interface ForecastConfig {
  /** FEDERA_FORECAST_WARN_DAYS: warn this many days before a site's resource runs out. @default 7 */
  warnDays: number;
  /** FEDERA_FORECAST_INTERVAL_MS: how often the job forecasts again from the hourly rollups. @default 300000 */
  intervalMs: number;
}

export const defaultWarnDays = 7;
export const defaultForecastIntervalMs = 300_000;

/** Reads the forecast settings; a value out of range is refused naming its variable. */
export function loadForecastConfig(env: NodeJS.ProcessEnv = process.env): ForecastConfig {
  const rawDays = env.FEDERA_FORECAST_WARN_DAYS;
  const warnDays = rawDays === undefined || rawDays === '' ? defaultWarnDays : Number(rawDays);
  if (!Number.isFinite(warnDays) || warnDays <= 0 || warnDays > 365) {
    throw new Error(
      `FEDERA_FORECAST_WARN_DAYS must be a number of days above 0 and at most 365, got '${rawDays}'`,
    );
  }
  const rawInterval = env.FEDERA_FORECAST_INTERVAL_MS;
  const intervalMs =
    rawInterval === undefined || rawInterval === ''
      ? defaultForecastIntervalMs
      : Number(rawInterval);
  if (!Number.isInteger(intervalMs) || intervalMs < 100) {
    throw new Error(
      `FEDERA_FORECAST_INTERVAL_MS must be an integer of 100 or more, got '${rawInterval}'`,
    );
  }
  return { warnDays, intervalMs };
}
