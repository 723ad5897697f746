import { loadForecastConfig } from './forecast-config';

describe('forecast configuration', () => {
  it('warns seven days ahead and forecasts every five minutes unless told otherwise', () => {
    expect(loadForecastConfig({})).toEqual({ warnDays: 7, intervalMs: 300_000 });
    expect(
      loadForecastConfig({ FEDERA_FORECAST_WARN_DAYS: '2.5', FEDERA_FORECAST_INTERVAL_MS: '1000' }),
    ).toEqual({ warnDays: 2.5, intervalMs: 1000 });
  });

  it('refuses a warning that is not a positive number of days, naming the variable', () => {
    expect(() => loadForecastConfig({ FEDERA_FORECAST_WARN_DAYS: 'soon' })).toThrow(
      'FEDERA_FORECAST_WARN_DAYS must be a number above 0 and at most 365, got "soon"',
    );
    expect(() => loadForecastConfig({ FEDERA_FORECAST_WARN_DAYS: '0' })).toThrow(
      /FEDERA_FORECAST_WARN_DAYS/,
    );
  });

  it('refuses an interval below 100 ms, naming the variable', () => {
    expect(() => loadForecastConfig({ FEDERA_FORECAST_INTERVAL_MS: '5' })).toThrow(
      'FEDERA_FORECAST_INTERVAL_MS must be an integer of 100 or more, got "5"',
    );
  });
});
