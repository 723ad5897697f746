/**
 * Additive Holt-Winters (ETS(A,A,A) in its error-correction form) on evenly spaced points.
 *
 * ŷ(t) = l + b + s[t mod m];  e = y(t) − ŷ(t);  l ← l + b + αe;  b ← b + βe;  s[t mod m] ← s[t mod m] + γe
 *
 * The error-correction form is used because its h-step forecast variance has a closed form
 * (Hyndman et al., Forecasting with Exponential Smoothing, 2008, class 1 models), which is what the
 * prediction intervals rest on.
 */
export interface HoltWintersParameters {
  /** Level smoothing, 0 < α < 1. */
  readonly alpha: number;
  /** Trend smoothing, 0 ≤ β ≤ α. */
  readonly beta: number;
  /** Seasonal smoothing, 0 ≤ γ ≤ 1 − α. */
  readonly gamma: number;
}

export interface HoltWintersModel {
  readonly parameters: HoltWintersParameters;
  readonly seasonLength: number;
  /** Number of points the model was fitted on. */
  readonly length: number;
  /** State after the last point. */
  readonly level: number;
  readonly trend: number;
  /** Seasonal components indexed by point index modulo the season length. */
  readonly season: readonly number[];
  /** One-step errors from the second season on (the first season only initialises the state). */
  readonly residuals: readonly number[];
  /** Standard deviation of the one-step errors, corrected for the three fitted parameters. */
  readonly sigma: number;
}

export interface HoltWintersStep {
  /** Steps ahead of the last fitted point, from 1. */
  readonly h: number;
  readonly mean: number;
  /** Standard deviation of the h-step forecast error. */
  readonly sd: number;
}

/** Fits the model with given parameters; needs at least two full seasons of points. */
export function fitHoltWinters(
  series: readonly number[],
  seasonLength: number,
  parameters: HoltWintersParameters,
): HoltWintersModel {
  const start = initialState(series, seasonLength);
  const { alpha, beta, gamma } = parameters;
  const m = seasonLength;
  let { level, trend } = start;
  const season = [...start.season];
  const residuals: number[] = [];
  for (let t = m; t < series.length; t++) {
    const slot = t % m;
    const error = series[t] - (level + trend + season[slot]);
    level = level + trend + alpha * error;
    trend = trend + beta * error;
    season[slot] += gamma * error;
    residuals.push(error);
  }
  const freedom = Math.max(1, residuals.length - 3);
  const sigma = Math.sqrt(residuals.reduce((sum, e) => sum + e * e, 0) / freedom);
  return {
    parameters,
    seasonLength: m,
    length: series.length,
    level,
    trend,
    season,
    residuals,
    sigma,
  };
}

interface InitialState {
  readonly level: number;
  readonly trend: number;
  readonly season: readonly number[];
}

/** Level, trend and season at the end of the first season, from the first two. */
function initialState(series: readonly number[], m: number): InitialState {
  if (!Number.isInteger(m) || m < 2) throw new RangeError(`seasonLength must be an integer ≥ 2`);
  if (series.length < 2 * m) {
    throw new RangeError(`Holt-Winters needs at least ${2 * m} points, got ${series.length}`);
  }
  const first = mean(series.slice(0, m));
  const second = mean(series.slice(m, 2 * m));
  // The first season's mean sits at its middle; its trend comes from the step to the second season.
  const trend = (second - first) / m;
  return {
    level: first + (trend * (m - 1)) / 2,
    trend,
    season: series.slice(0, m).map((y, i) => y - (first + trend * (i - (m - 1) / 2))),
  };
}

/** The fit's sum of squared one-step errors, without keeping them: the grid search's inner loop. */
function squaredErrors(
  series: readonly number[],
  m: number,
  start: InitialState,
  alpha: number,
  beta: number,
  gamma: number,
  season: Float64Array,
): number {
  let { level, trend } = start;
  season.set(start.season);
  let sum = 0;
  for (let t = m; t < series.length; t++) {
    const slot = t % m;
    const error = series[t] - (level + trend + season[slot]);
    level = level + trend + alpha * error;
    trend = trend + beta * error;
    season[slot] += gamma * error;
    sum += error * error;
  }
  return sum;
}

/** The mean forecast and its error's standard deviation for 1..horizon steps ahead. */
export function forecastHoltWinters(model: HoltWintersModel, horizon: number): HoltWintersStep[] {
  const { alpha, beta, gamma } = model.parameters;
  const m = model.seasonLength;
  const steps: HoltWintersStep[] = [];
  // Var(h) = σ² (1 + Σ_{j=1}^{h−1} c_j²), c_j = α + βj + γ·[j mod m = 0]
  let varianceFactor = 1;
  for (let h = 1; h <= horizon; h++) {
    if (h > 1) {
      const j = h - 1;
      const c = alpha + beta * j + (j % m === 0 ? gamma : 0);
      varianceFactor += c * c;
    }
    const slot = (model.length - 1 + h) % m;
    steps.push({
      h,
      mean: model.level + h * model.trend + model.season[slot],
      sd: model.sigma * Math.sqrt(varianceFactor),
    });
  }
  return steps;
}

const ALPHAS = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
const BETAS = [0, 0.001, 0.005, 0.02, 0.05, 0.1];
const GAMMAS = [0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5];

/** Fits the model whose parameters, on a small grid, give the least squared one-step error. */
export function fitHoltWintersByGrid(
  series: readonly number[],
  seasonLength: number,
): HoltWintersModel {
  const start = initialState(series, seasonLength);
  const season = new Float64Array(seasonLength);
  let best: HoltWintersParameters = { alpha: ALPHAS[0], beta: 0, gamma: 0 };
  let bestError = Infinity;
  for (const alpha of ALPHAS) {
    for (const beta of BETAS) {
      if (beta > alpha) continue;
      for (const gamma of GAMMAS) {
        if (gamma > 1 - alpha) continue;
        const error = squaredErrors(series, seasonLength, start, alpha, beta, gamma, season);
        if (error < bestError) {
          bestError = error;
          best = { alpha, beta, gamma };
        }
      }
    }
  }
  return fitHoltWinters(series, seasonLength, best);
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
