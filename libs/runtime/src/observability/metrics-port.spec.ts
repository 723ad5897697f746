import { metricsPortFromEnv } from './metrics-port';

describe('FEDERA_METRICS_PORT', () => {
  it('opens no port when unset or empty', () => {
    expect(metricsPortFromEnv({})).toBeUndefined();
    expect(metricsPortFromEnv({ FEDERA_METRICS_PORT: '' })).toBeUndefined();
  });

  it('reads a port, 0 meaning a free one', () => {
    expect(metricsPortFromEnv({ FEDERA_METRICS_PORT: '9464' })).toBe(9464);
    expect(metricsPortFromEnv({ FEDERA_METRICS_PORT: '0' })).toBe(0);
  });

  it('refuses what is not a port, naming the variable', () => {
    for (const value of ['http', '-1', '70000', '80.5'])
      expect(() => metricsPortFromEnv({ FEDERA_METRICS_PORT: value })).toThrow(
        /FEDERA_METRICS_PORT must be a port number/,
      );
  });
});
