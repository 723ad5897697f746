/** Deterministic synthetic hourly series for the forecasting specs: daily sine + trend + noise. */
export interface SeasonalSeriesShape {
  readonly seed: number;
  readonly hours: number;
  readonly base: number;
  /** Added per hour. */
  readonly slope: number;
  /** Of the daily sine. */
  readonly amplitude: number;
  /** Standard deviation of the Gaussian noise. */
  readonly noise: number;
}

export function seasonalSeries(shape: SeasonalSeriesShape): number[] {
  const random = mulberry32(shape.seed);
  const values: number[] = [];
  for (let t = 0; t < shape.hours; t++) {
    values.push(truth(shape, t) + shape.noise * gaussian(random));
  }
  return values;
}

/** The series without its noise at hour t. */
export function truth(shape: SeasonalSeriesShape, t: number): number {
  return shape.base + shape.slope * t + shape.amplitude * Math.sin((2 * Math.PI * t) / 24);
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
