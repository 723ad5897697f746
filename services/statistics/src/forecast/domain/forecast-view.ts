import {
  ForecastUnits,
  type ForecastQuantity,
  type ForecastView,
  type ObservedPointView,
} from '@federa/contracts';
import type { CapacityForecast } from './capacity-forecast';
import type { DemandForecast, HourlyObservation } from './demand-forecast';

/** How much observed history a view carries for its chart: three days. */
export const VIEW_HISTORY_HOURS = 72;

/** A capacity forecast of the fleet or a site as the API shows it, with its series. */
export function capacityForecastView(
  forecast: CapacityForecast,
  history: readonly HourlyObservation[],
): ForecastView {
  return {
    ...commonView(forecast.forecast, forecast.resource, history),
    scope: forecast.scope,
    subject: forecast.subject ?? null,
    computedAt: forecast.computedAt,
    horizonHours: forecast.horizonHours,
    capacity: forecast.capacity,
    runsOutAt: forecast.runsOutAt ?? null,
    warning: forecast.warning,
  };
}

/** An application's demand forecast (no capacity of its own) as the API shows it. */
export function applicationForecastView(
  application: string,
  quantity: ForecastQuantity,
  forecast: DemandForecast,
  history: readonly HourlyObservation[],
  computedAt: Date,
  horizonHours: number,
): ForecastView {
  return {
    ...commonView(forecast, quantity, history),
    scope: 'application',
    subject: application,
    computedAt: computedAt.toISOString(),
    horizonHours,
    capacity: null,
    runsOutAt: null,
    warning: false,
  };
}

function commonView(
  forecast: DemandForecast,
  quantity: ForecastQuantity,
  history: readonly HourlyObservation[],
): Pick<
  ForecastView,
  | 'resource'
  | 'unit'
  | 'status'
  | 'historyHours'
  | 'demand'
  | 'forecastDemand'
  | 'reason'
  | 'history'
  | 'points'
> {
  const recent: ObservedPointView[] = history
    .slice(-VIEW_HISTORY_HOURS)
    .map(({ hour, value }) => ({ at: hour.toISOString(), value }));
  if (forecast.status !== 'forecast') {
    return {
      resource: quantity,
      unit: ForecastUnits[quantity],
      status: forecast.status,
      historyHours: forecast.historyHours,
      demand: null,
      forecastDemand: null,
      reason: forecast.reason,
      history: recent,
      points: [],
    };
  }
  const points = [...forecast.points];
  return {
    resource: quantity,
    unit: ForecastUnits[quantity],
    status: 'forecast',
    historyHours: forecast.historyHours,
    demand: forecast.lastObserved.value,
    forecastDemand: points[points.length - 1].mean,
    reason: null,
    history: recent,
    points,
  };
}
