import { DownRateLimiter } from './down-rate-limiter';

describe('down rate limiter', () => {
  it('grants up to the limit per site in a minute, then says when the next permit frees up', () => {
    const limiter = new DownRateLimiter(2);
    expect(limiter.acquire('geneva', 1_000)).toEqual({ granted: true });
    expect(limiter.acquire('geneva', 5_000)).toEqual({ granted: true });
    expect(limiter.acquire('geneva', 6_000)).toEqual({ granted: false, retryAt: 61_000 });
    expect(limiter.acquire('lausanne', 6_000)).toEqual({ granted: true });
    expect(limiter.acquire('geneva', 61_001)).toEqual({ granted: true });
  });

  it('refuses a limit below one', () => {
    expect(() => new DownRateLimiter(0)).toThrow(/positive integer/);
  });
});
