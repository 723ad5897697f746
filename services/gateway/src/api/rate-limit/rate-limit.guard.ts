import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ErrorCodes, FederaError } from '@federa/contracts';
import type { Request } from 'express';
import { rateLimitExempt, rateLimitTracker } from '../../domain/rate-limit-tracker';
import type { RequestWithPrincipal } from '../auth/principal';

/**
 * @nestjs/throttler's guard, counting each caller once across every route (not per route, as the
 * module does by default), by the principal the bearer guard found before it (so it must come after
 * that guard), and refusing in the error format: 429 `rate_limited` with `Retry-After`.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return rateLimitExempt(context.switchToHttp().getRequest<Request>().path);
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const { principal, ip } = request as unknown as Request & RequestWithPrincipal;
    return rateLimitTracker({
      tokenId: principal?.tokenId,
      name: principal?.name,
      ip: ip ?? 'unknown',
    });
  }

  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const { principal } = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const who = principal ? `token ${principal.name}` : 'this address';
    const retryAfterS = detail.timeToBlockExpire;
    throw new FederaError(
      ErrorCodes.rateLimited,
      `rate limit of ${detail.limit} requests per ${detail.ttl / 1000} s exceeded by ${who}; retry after ${retryAfterS} s`,
      [{ limit: detail.limit, windowMs: detail.ttl, retryAfterS }],
    );
  }
}
