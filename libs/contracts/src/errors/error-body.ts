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
  internal: 500,
};

export function errorBody(
  code: ErrorCode | string,
  message: string,
  details: unknown[] = [],
): ErrorBody {
  return { error: { code, message, details } };
}
