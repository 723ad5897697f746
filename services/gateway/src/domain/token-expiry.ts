import type { FieldError } from '@federa/contracts';

const unitMs: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `90s`, `30m`, `12h`, `30d`, `1d12h`: the duration syntax of the CLI's flags, in whole seconds or more. */
const durationPattern = /^(?:\d+[smhd])+$/;

/**
 * Longest lifetime a token may be given: a token meant to live longer should not expire at all
 * (and be revoked when done), rather than carry a date no one will remember.
 */
export const maxTokenLifetimeMs = 10 * 365 * 86_400_000;

/** The two ways `POST /v1/tokens` may say when a token expires; neither: it never does. */
export interface TokenExpiryRequest {
  expiresIn?: string;
  expiresAt?: string;
}

export type TokenExpiry =
  { ok: true; expiresAt: Date | null } | { ok: false; errors: FieldError[] };

/**
 * When a token created at `now` expires: `expiresIn` after now, or at `expiresAt`; null when
 * neither is given. Both at once, an unreadable value, a moment not in the future, or one past
 * `maxTokenLifetimeMs` are field errors naming the field.
 */
export function tokenExpiry(request: TokenExpiryRequest, now: Date): TokenExpiry {
  const { expiresIn, expiresAt } = request;
  if (expiresIn !== undefined && expiresAt !== undefined)
    return refuse('expiresAt', 'give expiresIn or expiresAt, not both');
  if (expiresIn !== undefined) {
    const ms = durationMs(expiresIn);
    if (ms === undefined)
      return refuse(
        'expiresIn',
        `expected a duration like 90s, 30m, 12h or 30d, got "${expiresIn}"`,
      );
    if (ms <= 0) return refuse('expiresIn', 'must be longer than 0s');
    if (ms > maxTokenLifetimeMs) return refuse('expiresIn', 'must be at most 3650d (10 years)');
    return { ok: true, expiresAt: new Date(now.getTime() + ms) };
  }
  if (expiresAt !== undefined) {
    const at = isoMoment(expiresAt);
    if (!at)
      return refuse(
        'expiresAt',
        `expected an ISO 8601 date and time like 2030-01-31T00:00:00Z, got "${expiresAt}"`,
      );
    if (at.getTime() <= now.getTime()) return refuse('expiresAt', 'must be in the future');
    if (at.getTime() - now.getTime() > maxTokenLifetimeMs)
      return refuse('expiresAt', 'must be at most 3650d (10 years) from now');
    return { ok: true, expiresAt: at };
  }
  return { ok: true, expiresAt: null };
}

/** Whether a token with this expiry is past it at `now`; a token without one never is. */
export function tokenExpired(expiresAt: string | null | undefined, now: number): boolean {
  return expiresAt != null && Date.parse(expiresAt) <= now;
}

function durationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (!durationPattern.test(trimmed)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([smhd])/g))
    ms += Number(amount) * unitMs[unit];
  return ms;
}

/** A date with a time and a zone (`Z` or an offset): a bare date would be read in no one's zone. */
function isoMoment(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text))
    return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function refuse(path: string, reason: string): TokenExpiry {
  return { ok: false, errors: [{ path, reason }] };
}
