import type { CapacityForecastedData, ResourceKind } from '@federa/contracts';
import { forecastDemand, type DemandForecast, type HourlyObservation } from './demand-forecast';
import { isWithinWarning, runOutTime } from './run-out';

/** Forecasts reach two weeks ahead, or further when the warning asks for more. */
export const MIN_HORIZON_DAYS = 14;

export type CapacityScope = 'fleet' | 'site';

/** One resource of one site (or the fleet): its capacity now and its hourly used capacity so far. */
export interface CapacitySubject {
  readonly scope: CapacityScope;
  /** The site; absent for the fleet. */
  readonly subject?: string;
  readonly resource: ResourceKind;
  /** In the resource's base unit, as the demand. */
  readonly capacity: number;
  readonly history: readonly HourlyObservation[];
}

export interface CapacityForecast {
  readonly scope: CapacityScope;
  readonly subject?: string;
  readonly resource: ResourceKind;
  readonly capacity: number;
  readonly computedAt: string;
  readonly horizonHours: number;
  readonly forecast: DemandForecast;
  /** When the upper 80 % bound of demand reaches capacity, within the horizon. */
  readonly runsOutAt?: string;
  /** The run-out time is within the warning's number of days. */
  readonly warning: boolean;
}

export interface CapacityForecastOptions {
  /** Now: its last complete hour is the newest the history is expected to reach. */
  readonly computedAt: Date;
  /** How many days ahead of a run-out to warn. */
  readonly warnDays: number;
}

export function horizonHoursFor(warnDays: number): number {
  return Math.ceil(Math.max(MIN_HORIZON_DAYS, warnDays) * 24);
}

/** Forecasts one resource's used capacity and when it runs out. */
export function forecastCapacity(
  subject: CapacitySubject,
  options: CapacityForecastOptions,
): CapacityForecast {
  const horizonHours = horizonHoursFor(options.warnDays);
  const at = options.computedAt.getTime();
  const latestHour = new Date(at - (at % 3_600_000) - 3_600_000);
  const forecast = forecastDemand(subject.history, horizonHours, latestHour);
  const runsOutAt =
    forecast.status === 'forecast'
      ? runOutTime(forecast.lastObserved, forecast.points, subject.capacity)
      : undefined;
  return {
    scope: subject.scope,
    ...(subject.subject !== undefined ? { subject: subject.subject } : {}),
    resource: subject.resource,
    capacity: subject.capacity,
    computedAt: options.computedAt.toISOString(),
    horizonHours,
    forecast,
    ...(runsOutAt !== undefined ? { runsOutAt } : {}),
    warning: isWithinWarning(runsOutAt, options.computedAt, options.warnDays),
  };
}

/** The `CapacityForecasted` event of a forecast; none when the history was too short to forecast. */
export function capacityForecastedData(
  forecast: CapacityForecast,
): CapacityForecastedData | undefined {
  if (forecast.forecast.status !== 'forecast') return undefined;
  const points = forecast.forecast.points;
  return {
    scope: forecast.scope,
    ...(forecast.subject !== undefined ? { subject: forecast.subject } : {}),
    resource: forecast.resource,
    demand: Math.max(0, forecast.forecast.lastObserved.value),
    capacity: Math.max(0, forecast.capacity),
    forecastDemand: points[points.length - 1].mean,
    horizonHours: forecast.horizonHours,
    ...(forecast.runsOutAt !== undefined ? { runsOutAt: forecast.runsOutAt } : {}),
    computedAt: forecast.computedAt,
  };
}
