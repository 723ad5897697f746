import { ErrorCodes, HttpStatusOfCode, type ErrorCode } from '@federa/contracts';

/** The HTTP status answering an error code; a code no one mapped is a server fault (500). */
export function statusOfCode(code: string): number {
  return (HttpStatusOfCode as Record<string, number>)[code] ?? 500;
}

/** The error code of an HTTP status raised by the framework (404 of an unknown route, ...). */
export function codeOfStatus(status: number): ErrorCode {
  const exact = Object.entries(HttpStatusOfCode).find(([, s]) => s === status);
  if (exact) return exact[0] as ErrorCode;
  if (status >= 500)
    return status === 502 || status === 504 ? ErrorCodes.unavailable : ErrorCodes.internal;
  // Other client errors (405, 415, ...) are a request the API cannot take as sent.
  return ErrorCodes.validation;
}
