/** The verdict on declaring one more host of a site down now. */
export type DownPermit = { granted: true } | { granted: false; retryAt: number };

/**
 * At most `limitPerMinute` hosts of one site declared down in any sliding minute, so that a
 * network blip does not evacuate a whole site at once.
 */
export class DownRateLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(
    readonly limitPerMinute: number,
    private readonly windowMs = 60_000,
  ) {
    if (!Number.isInteger(limitPerMinute) || limitPerMinute < 1) {
      throw new Error('limitPerMinute must be a positive integer');
    }
  }

  /** Takes one of the site's permits at `now`, or answers when the next one frees up. */
  acquire(site: string, now: number): DownPermit {
    const times = (this.recent.get(site) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length >= this.limitPerMinute) {
      this.recent.set(site, times);
      return { granted: false, retryAt: times[times.length - this.limitPerMinute] + this.windowMs };
    }
    times.push(now);
    this.recent.set(site, times);
    return { granted: true };
  }
}
