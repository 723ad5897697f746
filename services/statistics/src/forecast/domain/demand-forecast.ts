import { fitHoltWintersByGrid, forecastHoltWinters } from './holt-winters';

/** Demand repeats daily: a season of 24 hourly points. */
export const SEASON_HOURS = 24;
/** Two days initialise the model's level, trend and season; a third is what it learns from. */
export const MIN_HISTORY_HOURS = 3 * SEASON_HOURS;
/** More filled-in hours than this share of the history and the series says too little to forecast. */
const MAX_GAP_SHARE = 0.25;
/** A series whose newest hour is older than this says nothing of today: it is not forecast. */
export const MAX_STALE_HOURS = 24;
const HOUR_MS = 3_600_000;
/** Standard normal quantiles of the two-sided 80 % and 95 % intervals. */
const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

/** One hour's demand: `hour` is the start of the hour. */
export interface HourlyObservation {
  readonly hour: Date;
  readonly value: number;
}

/** The forecast for one hour, never below zero. */
export interface ForecastPoint {
  /** Start of the hour, ISO-8601. */
  readonly at: string;
  readonly mean: number;
  readonly lower80: number;
  readonly upper80: number;
  readonly lower95: number;
  readonly upper95: number;
}

export interface ObservedPoint {
  readonly at: string;
  readonly value: number;
}

export type DemandForecast =
  | {
      readonly status: 'forecast';
      readonly historyHours: number;
      readonly lastObserved: ObservedPoint;
      readonly points: readonly ForecastPoint[];
      /** The fitted smoothing parameters and the one-step error's standard deviation. */
      readonly model: { alpha: number; beta: number; gamma: number; sigma: number };
    }
  | {
      readonly status: 'insufficient-history';
      readonly historyHours: number;
      readonly neededHours: number;
      readonly reason: string;
    };

/**
 * Forecasts hourly demand `horizonHours` ahead of the last observation with a daily seasonal model
 * and 80/95 % prediction intervals; answers `insufficient-history` rather than guess from too little,
 * or from a series that stopped more than a day before `latestHour` (the last complete hour).
 */
export function forecastDemand(
  history: readonly HourlyObservation[],
  horizonHours: number,
  latestHour?: Date,
): DemandForecast {
  if (!Number.isInteger(horizonHours) || horizonHours < 1) {
    throw new RangeError(`horizonHours must be an integer ≥ 1, got ${horizonHours}`);
  }
  const dense = denseHours(history);
  if (dense.values.length < MIN_HISTORY_HOURS) {
    return {
      status: 'insufficient-history',
      historyHours: dense.values.length,
      neededHours: MIN_HISTORY_HOURS,
      reason: `${dense.values.length} hours of history, at least ${MIN_HISTORY_HOURS} needed`,
    };
  }
  if (dense.filled > dense.values.length * MAX_GAP_SHARE) {
    return {
      status: 'insufficient-history',
      historyHours: dense.values.length - dense.filled,
      neededHours: MIN_HISTORY_HOURS,
      reason: `${dense.filled} of ${dense.values.length} hours have no data`,
    };
  }
  const last = dense.start + (dense.values.length - 1) * HOUR_MS;
  if (latestHour !== undefined && latestHour.getTime() - last > MAX_STALE_HOURS * HOUR_MS) {
    const silent = Math.floor((latestHour.getTime() - last) / HOUR_MS);
    return {
      status: 'insufficient-history',
      historyHours: dense.values.length - dense.filled,
      neededHours: MIN_HISTORY_HOURS,
      reason: `no data in the last ${silent} hours`,
    };
  }
  const model = fitHoltWintersByGrid(dense.values, SEASON_HOURS);
  const points = forecastHoltWinters(model, horizonHours).map(({ h, mean, sd }) => ({
    at: new Date(last + h * HOUR_MS).toISOString(),
    mean: atLeastZero(mean),
    lower80: atLeastZero(mean - Z80 * sd),
    upper80: atLeastZero(mean + Z80 * sd),
    lower95: atLeastZero(mean - Z95 * sd),
    upper95: atLeastZero(mean + Z95 * sd),
  }));
  return {
    status: 'forecast',
    historyHours: dense.values.length,
    lastObserved: {
      at: new Date(last).toISOString(),
      value: dense.values[dense.values.length - 1],
    },
    points,
    model: { ...model.parameters, sigma: model.sigma },
  };
}

/**
 * The observations as one value per hour from the first to the last. A missing hour is a gap in the
 * record (statistics was down, a rollup was late), not zero demand: it is interpolated from its
 * neighbours, and counted.
 */
function denseHours(history: readonly HourlyObservation[]): {
  start: number;
  values: number[];
  filled: number;
} {
  const byHour = new Map<number, number>();
  for (const { hour, value } of history) {
    if (!Number.isFinite(value)) continue;
    const at = Math.floor(hour.getTime() / HOUR_MS) * HOUR_MS;
    byHour.set(at, (byHour.get(at) ?? 0) + value);
  }
  if (byHour.size === 0) return { start: 0, values: [], filled: 0 };
  const hours = [...byHour.keys()].sort((a, b) => a - b);
  const start = hours[0];
  const count = (hours[hours.length - 1] - start) / HOUR_MS + 1;
  const values: number[] = [];
  let filled = 0;
  for (let i = 0, known = 0; i < count; i++) {
    const at = start + i * HOUR_MS;
    const value = byHour.get(at);
    if (value !== undefined) {
      values.push(value);
      known++;
      continue;
    }
    const before = hours[known - 1];
    const after = hours[known];
    const share = (at - before) / (after - before);
    values.push(byHour.get(before)! + share * (byHour.get(after)! - byHour.get(before)!));
    filled++;
  }
  return { start, values, filled };
}

function atLeastZero(value: number): number {
  return value > 0 ? value : 0;
}
