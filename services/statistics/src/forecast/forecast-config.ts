import { intAtLeast, positiveNumberUpTo } from '@federa/runtime';

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
  return {
    warnDays: positiveNumberUpTo(env, 'FEDERA_FORECAST_WARN_DAYS', 365, defaultWarnDays),
    intervalMs: intAtLeast(env, 'FEDERA_FORECAST_INTERVAL_MS', 100, defaultForecastIntervalMs),
  };
}
