import type { FieldError } from '../validation/field-error';

/** Machine-readable error codes shared by the REST API, NATS replies and the CLI. */
export const ErrorCodes = {
  validation: 'validation_failed',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  unavailable: 'unavailable',
  /** The gateway sheds load: retry after `Retry-After` seconds (a backend may be fine). */
  overloaded: 'overloaded',
  /** This token (or address) sent more requests than its rate limit allows: retry after `Retry-After` seconds. */
  rateLimited: 'rate_limited',
  /** The request body is larger than the gateway's limit (named in the message). */
  payloadTooLarge: 'payload_too_large',
  /** A change sent with a session cookie but without its `X-CSRF-Token` (a forged request, or a stale page). */
  csrf: 'csrf',
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Every failure's body: `{ error: { code, message, details } }` (docs/reference/rest-api.md). */
export interface ErrorBody {
  error: { code: ErrorCode | string; message: string; details: FieldError[] | unknown[] };
}

export const HttpStatusOfCode: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  overloaded: 503,
  rate_limited: 429,
  payload_too_large: 413,
  csrf: 403,
  internal: 500,
};

export function errorBody(
  code: ErrorCode | string,
  message: string,
  details: unknown[] = [],
): ErrorBody {
  return { error: { code, message, details } };
}
