import { ErrorCodes, FederaError } from '@federa/contracts';

/**
 * When a session opened at `now` ends: `ttlMs` later, or when its token expires if that is sooner,
 * so that a session never outlives the token that opened it.
 */
export function sessionExpiry(now: Date, ttlMs: number, tokenExpiresAt: string | null): Date {
  const byTtl = now.getTime() + ttlMs;
  const byToken = tokenExpiresAt === null ? Infinity : Date.parse(tokenExpiresAt);
  return new Date(Math.min(byTtl, byToken));
}

/** A stored session as far as its end is concerned. */
export interface SessionEnd {
  expiresAt: string;
}

/**
 * Why a session no longer authenticates at `now` (it is gone: signed out, or its token revoked; or
 * it expired), or undefined while it does.
 */
export function sessionRefusal(
  session: SessionEnd | undefined,
  now: number,
): FederaError | undefined {
  if (!session)
    return new FederaError(
      ErrorCodes.unauthorized,
      'no such session (signed out, or its token was revoked): sign in again with POST /v1/session',
    );
  if (Date.parse(session.expiresAt) <= now)
    return new FederaError(
      ErrorCodes.unauthorized,
      `session expired (at ${session.expiresAt}): sign in again with POST /v1/session`,
    );
  return undefined;
}
