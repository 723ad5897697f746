import { Inject, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { ErrorCodes, FederaError } from '@federa/contracts';
import type { Request, Response } from 'express';
import { rateLimitTracker } from '../../domain/rate-limit-tracker';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../gateway-config';
import { rateLimitDefaults } from './rate-limit-config';

/**
 * Requests refused for their token (none, unknown, revoked, expired), counted per address with the
 * rate limit's numbers in the same store: each costs a token look-up in Postgres, and the rate limit
 * proper never sees them (it counts authenticated principals, after the bearer guard). Past the
 * limit an address gets 429 `rate_limited` instead of 401 until its failures age out, and until then
 * `blocked` answers it before its token is looked up, so that a guessing address costs no query.
 */
@Injectable()
export class FailedAuthentications {
  private readonly limit: number;
  private readonly windowMs: number;
  /** Addresses past the limit, by their key: until when (ms) they are refused without a look-up. */
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    ({ limit: this.limit, windowMs: this.windowMs } = config.rateLimit ?? rateLimitDefaults);
  }

  /**
   * The 429 to answer this address at once, before its token is looked up, while it is past the
   * limit; undefined otherwise.
   */
  blocked(request: Request, response: Response, now = Date.now()): FederaError | undefined {
    const key = addressKey(request);
    const until = this.blockedUntil.get(key);
    if (until === undefined) return undefined;
    if (until <= now) {
      this.blockedUntil.delete(key);
      return undefined;
    }
    return this.tooMany(response, Math.ceil((until - now) / 1000));
  }

  /** What to throw for `refusal`: itself, or 429 once this address has failed too often. */
  async refusal(
    request: Request,
    response: Response,
    refusal: FederaError,
    now = Date.now(),
  ): Promise<FederaError> {
    const key = addressKey(request);
    // blockDuration 0: a sliding window, as the rate limit's (refusals past the limit not counted).
    const record = await this.storage.increment(key, this.windowMs, this.limit, 0, 'auth');
    if (!record.isBlocked) return refusal;
    this.forgetExpired(now);
    this.blockedUntil.set(key, now + record.timeToBlockExpire * 1000);
    return this.tooMany(response, record.timeToBlockExpire);
  }

  private tooMany(response: Response, retryAfterS: number): FederaError {
    response.setHeader('Retry-After', String(retryAfterS));
    return new FederaError(
      ErrorCodes.rateLimited,
      `more than ${this.limit} requests with a missing or refused token from this address per ${this.windowMs / 1000} s; retry after ${retryAfterS} s`,
      [{ limit: this.limit, windowMs: this.windowMs, retryAfterS }],
    );
  }

  /** Keeps the blocked addresses to those still blocked once there are many of them. */
  private forgetExpired(now: number): void {
    if (this.blockedUntil.size < 1000) return;
    for (const [key, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(key);
  }
}

function addressKey(request: Request): string {
  return `failed-authentication:${rateLimitTracker({ ip: request.ip ?? 'unknown' })}`;
}
