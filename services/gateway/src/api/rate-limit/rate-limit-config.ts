import { ConfigurationError, nonNegativeInt, positiveInt } from '@federa/runtime';

/** How many requests one caller may make per window (docs/reference/configuration.md). */
export interface RateLimitConfig {
  /** Requests per window and caller; 0 turns the limit off. */
  limit: number;
  windowMs: number;
}

/**
 * 100 requests a second, over a minute, per token: far beyond what an operator, the CLI, `federa
 * up` or the benchmarks send through one token (the API benchmark's bursts are bounded by load
 * shedding first), yet a runaway script is stopped within a minute.
 */
export const rateLimitDefaults: RateLimitConfig = { limit: 6000, windowMs: 60_000 };

/**
 * The highest FEDERA_API_RATE_LIMIT. The limiter keeps one timestamp per counted request and scans
 * them all on each request of that caller: with a full window, one request cost about 0.05 ms at
 * 6000, 0.5 ms at 10 000, 2 to 6 ms at 20 000 and 15 ms at 50 000 (@nestjs/throttler 6.7, measured on
 * two shared cores), and from about 160 000 it overflows the stack and answers 500.
 */
export const maxRateLimit = 10_000;

/** FEDERA_API_RATE_LIMIT and FEDERA_API_RATE_WINDOW_MS; a bad value names its variable. */
export function loadRateLimitConfig(env: NodeJS.ProcessEnv = process.env): RateLimitConfig {
  const limit = nonNegativeInt(env, 'FEDERA_API_RATE_LIMIT', rateLimitDefaults.limit);
  if (limit > maxRateLimit)
    throw new ConfigurationError(
      `FEDERA_API_RATE_LIMIT must be at most ${maxRateLimit} (requests per window; 0 turns the limit off), got ${limit}: for more requests a minute, shorten FEDERA_API_RATE_WINDOW_MS instead`,
    );
  return {
    limit,
    windowMs: positiveInt(env, 'FEDERA_API_RATE_WINDOW_MS', rateLimitDefaults.windowMs),
  };
}
