import { forecastDemand, MIN_HISTORY_HOURS, type HourlyObservation } from './demand-forecast';
import { seasonalSeries, truth, type SeasonalSeriesShape } from './seeded-series.fixture';

const HOUR = 3_600_000;
const START = Date.parse('2026-11-01T00:00:00.000Z');

function observations(values: readonly number[], from = START): HourlyObservation[] {
  return values.map((value, i) => ({ hour: new Date(from + i * HOUR), value }));
}

describe('demand forecast', () => {
  const shape: SeasonalSeriesShape = {
    seed: 7,
    hours: 14 * 24 + 48,
    base: 500,
    slope: 0.5,
    amplitude: 100,
    noise: 15,
  };

  it('follows a seeded daily sine with trend and noise within a tolerance of the truth', () => {
    const series = seasonalSeries(shape);
    const result = forecastDemand(observations(series.slice(0, 14 * 24)), 48);
    if (result.status !== 'forecast') throw new Error(result.reason);
    const errors = result.points.map((p, h) => Math.abs(p.mean - truth(shape, 14 * 24 + h)));
    const meanError = errors.reduce((a, b) => a + b, 0) / errors.length;
    // The daily swing is ±100 and the noise 15: a forecast that missed the season would be off by ~60.
    expect(meanError).toBeLessThan(15);
    expect(result.model.sigma).toBeGreaterThan(10);
    expect(result.model.sigma).toBeLessThan(20);
    expect(result.points[0].at).toBe(new Date(START + 14 * 24 * HOUR).toISOString());
  });

  it('covers held-out values with its 80 % and 95 % intervals near their nominal rates', () => {
    let inside80 = 0;
    let inside95 = 0;
    let total = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const series = seasonalSeries({ ...shape, seed, hours: 14 * 24 + 24 });
      const result = forecastDemand(observations(series.slice(0, 14 * 24)), 24);
      if (result.status !== 'forecast') throw new Error(result.reason);
      result.points.forEach((p, h) => {
        const actual = series[14 * 24 + h];
        if (actual >= p.lower80 && actual <= p.upper80) inside80++;
        if (actual >= p.lower95 && actual <= p.upper95) inside95++;
        total++;
      });
    }
    expect(inside80 / total).toBeGreaterThanOrEqual(0.72);
    expect(inside80 / total).toBeLessThanOrEqual(0.88);
    expect(inside95 / total).toBeGreaterThanOrEqual(0.9);
    expect(inside95 / total).toBeLessThanOrEqual(0.99);
  });

  it('says the history is too short, with no forecast, below three days of hours', () => {
    const result = forecastDemand(observations(seasonalSeries({ ...shape, hours: 71 })), 24);
    expect(result).toEqual({
      status: 'insufficient-history',
      historyHours: 71,
      neededHours: MIN_HISTORY_HOURS,
      reason: '71 hours of history, at least 72 needed',
    });
    expect(result).not.toHaveProperty('points');
  });

  it('says there is no history when there is none', () => {
    expect(forecastDemand([], 24)).toMatchObject({
      status: 'insufficient-history',
      historyHours: 0,
    });
  });

  it('fills a few missing hours from their neighbours but refuses a record mostly missing', () => {
    const series = seasonalSeries({ ...shape, hours: 5 * 24 });
    const fewGaps = observations(series).filter((_, i) => i % 10 !== 5);
    expect(forecastDemand(fewGaps, 24).status).toBe('forecast');
    const mostlyGaps = observations(series).filter((_, i) => i % 2 === 0);
    expect(forecastDemand(mostlyGaps, 24)).toMatchObject({
      status: 'insufficient-history',
      reason: '59 of 119 hours have no data',
    });
  });

  it('never forecasts below zero demand', () => {
    const falling = Array.from({ length: 96 }, (_, t) => Math.max(0, 200 - 2 * t));
    const result = forecastDemand(observations(falling), 48);
    if (result.status !== 'forecast') throw new Error(result.reason);
    for (const p of result.points) {
      expect(Math.min(p.mean, p.lower80, p.lower95, p.upper80, p.upper95)).toBeGreaterThanOrEqual(
        0,
      );
    }
  });

  it('refuses a horizon that is not a positive whole number of hours', () => {
    expect(() => forecastDemand([], 0)).toThrow(/horizonHours must be an integer ≥ 1, got 0/);
  });
});

describe('demand forecast of a series that stopped', () => {
  const series = seasonalSeries({
    seed: 5,
    hours: 5 * 24,
    base: 100,
    slope: 0,
    amplitude: 10,
    noise: 1,
  });
  const lastObserved = START + (5 * 24 - 1) * HOUR;

  it('says so, with no forecast, when its newest hour is more than a day old', () => {
    const result = forecastDemand(observations(series), 24, new Date(lastObserved + 30 * HOUR));
    expect(result).toMatchObject({
      status: 'insufficient-history',
      reason: 'no data in the last 30 hours',
    });
  });

  it('forecasts from where it stopped when that is within a day', () => {
    const result = forecastDemand(observations(series), 24, new Date(lastObserved + 3 * HOUR));
    expect(result.status).toBe('forecast');
  });
});
