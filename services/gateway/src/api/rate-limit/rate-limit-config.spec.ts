import { loadRateLimitConfig, maxRateLimit, rateLimitDefaults } from './rate-limit-config';

describe('rate limit settings', () => {
  it('allow 6000 requests a minute per token unless told otherwise', () => {
    expect(loadRateLimitConfig({})).toEqual({ limit: 6000, windowMs: 60_000 });
    expect(rateLimitDefaults).toEqual({ limit: 6000, windowMs: 60_000 });
  });

  it('read FEDERA_API_RATE_LIMIT and FEDERA_API_RATE_WINDOW_MS, 0 turning the limit off', () => {
    expect(
      loadRateLimitConfig({ FEDERA_API_RATE_LIMIT: '0', FEDERA_API_RATE_WINDOW_MS: '1000' }),
    ).toEqual({ limit: 0, windowMs: 1000 });
  });

  it('refuse a bad value naming its variable', () => {
    expect(() => loadRateLimitConfig({ FEDERA_API_RATE_LIMIT: 'lots' })).toThrow(
      /FEDERA_API_RATE_LIMIT/,
    );
    expect(() => loadRateLimitConfig({ FEDERA_API_RATE_WINDOW_MS: '0' })).toThrow(
      /FEDERA_API_RATE_WINDOW_MS/,
    );
  });

  it('refuse a limit past what the limiter counts cheaply, naming FEDERA_API_RATE_LIMIT', () => {
    expect(loadRateLimitConfig({ FEDERA_API_RATE_LIMIT: String(maxRateLimit) }).limit).toBe(10_000);
    expect(() => loadRateLimitConfig({ FEDERA_API_RATE_LIMIT: '10001' })).toThrow(
      /^FEDERA_API_RATE_LIMIT must be at most 10000/,
    );
  });
});
