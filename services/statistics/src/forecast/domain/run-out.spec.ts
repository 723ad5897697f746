import { forecastCapacity, capacityForecastedData } from './capacity-forecast';
import type { HourlyObservation } from './demand-forecast';
import { isWithinWarning, runOutTime } from './run-out';
import { seasonalSeries } from './seeded-series.fixture';

const HOUR = 3_600_000;
const START = Date.parse('2026-11-01T00:00:00.000Z');

function linear(hours: number, base: number, perHour: number): HourlyObservation[] {
  return Array.from({ length: hours }, (_, t) => ({
    hour: new Date(START + t * HOUR),
    value: base + perHour * t,
  }));
}

describe('capacity run-out', () => {
  const lastHour = START + 167 * HOUR;
  const computedAt = new Date(lastHour + HOUR);

  it('runs out where an exact linear trend reaches capacity', () => {
    // 100 + 10t reaches 2,270 at t = 217, 50 hours after the last observation (t = 167).
    const forecast = forecastCapacity(
      {
        scope: 'site',
        subject: 'geneva',
        resource: 'cpu',
        capacity: 2270,
        history: linear(168, 100, 10),
      },
      { computedAt, warnDays: 7 },
    );
    expect(Date.parse(forecast.runsOutAt!)).toBeCloseTo(lastHour + 50 * HOUR, -3);
    expect(forecast.warning).toBe(true);
  });

  it('interpolates the crossing within its hour', () => {
    // 2,275 is reached half-way through hour 217.
    const forecast = forecastCapacity(
      { scope: 'fleet', resource: 'memory', capacity: 2275, history: linear(168, 100, 10) },
      { computedAt, warnDays: 7 },
    );
    expect(Date.parse(forecast.runsOutAt!)).toBeCloseTo(lastHour + 50.5 * HOUR, -3);
  });

  it('runs out earlier than the mean crosses on a noisy trend, as its upper bound crosses first', () => {
    const noisy = seasonalSeries({
      seed: 3,
      hours: 168,
      base: 100,
      slope: 10,
      amplitude: 0,
      noise: 20,
    });
    const history = noisy.map((value, t) => ({ hour: new Date(START + t * HOUR), value }));
    const forecast = forecastCapacity(
      { scope: 'site', subject: 'geneva', resource: 'cpu', capacity: 2270, history },
      { computedAt, warnDays: 7 },
    );
    const hoursAhead = (Date.parse(forecast.runsOutAt!) - lastHour) / HOUR;
    expect(hoursAhead).toBeGreaterThan(30);
    expect(hoursAhead).toBeLessThan(50);
  });

  it('does not run out, nor warn, when demand stays below capacity over the horizon', () => {
    const forecast = forecastCapacity(
      {
        scope: 'site',
        subject: 'lausanne',
        resource: 'cpu',
        capacity: 10_000,
        history: linear(168, 100, 1),
      },
      { computedAt, warnDays: 7 },
    );
    expect(forecast.horizonHours).toBe(14 * 24);
    expect(forecast.runsOutAt).toBeUndefined();
    expect(forecast.warning).toBe(false);
    expect(capacityForecastedData(forecast)).toEqual({
      scope: 'site',
      subject: 'lausanne',
      resource: 'cpu',
      demand: 267,
      capacity: 10_000,
      forecastDemand: expect.closeTo(267 + 336, 6),
      horizonHours: 336,
      computedAt: computedAt.toISOString(),
    });
  });

  it('warns only when the run-out is within the warning days', () => {
    // Reaches capacity 10 days after the last observation.
    const history = linear(168, 100, 10);
    const capacity = 100 + 10 * (167 + 240);
    const late = forecastCapacity(
      { scope: 'site', subject: 'geneva', resource: 'cpu', capacity, history },
      { computedAt, warnDays: 7 },
    );
    expect(late.runsOutAt).toBeDefined();
    expect(late.warning).toBe(false);
    const early = forecastCapacity(
      { scope: 'site', subject: 'geneva', resource: 'cpu', capacity, history },
      { computedAt, warnDays: 12 },
    );
    expect(early.warning).toBe(true);
  });

  it('has run out at the last observation when demand already fills capacity', () => {
    const at = '2026-11-02T00:00:00.000Z';
    expect(runOutTime({ at, value: 120 }, [], 100)).toBe(at);
    expect(isWithinWarning(at, new Date('2026-11-05T00:00:00.000Z'), 7)).toBe(true);
  });

  it('appends no event and names no run-out when the history is too short', () => {
    const forecast = forecastCapacity(
      {
        scope: 'site',
        subject: 'geneva',
        resource: 'cpu',
        capacity: 100,
        history: linear(10, 1, 100),
      },
      { computedAt, warnDays: 7 },
    );
    expect(forecast.forecast.status).toBe('insufficient-history');
    expect(forecast.runsOutAt).toBeUndefined();
    expect(capacityForecastedData(forecast)).toBeUndefined();
  });

  it('reaches further than two weeks when the warning asks for more days', () => {
    const forecast = forecastCapacity(
      { scope: 'fleet', resource: 'cpu', capacity: 1e9, history: linear(168, 100, 1) },
      { computedAt, warnDays: 30 },
    );
    expect(forecast.horizonHours).toBe(30 * 24);
  });
});
