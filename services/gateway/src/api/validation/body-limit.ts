import { ErrorCodes, FederaError } from '@federa/contracts';
import { positiveInt } from '@federa/runtime';

/**
 * 1 MiB: above the largest service spec (256 KiB) with room for JSON's escaping, and the bus's
 * default `max_payload`, which a command carrying the body must fit in anyway.
 */
export const bodyLimitDefaultBytes = 1024 * 1024;

/** FEDERA_API_BODY_LIMIT, in bytes; a bad value names the variable. */
export function loadBodyLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
  return positiveInt(env, 'FEDERA_API_BODY_LIMIT', bodyLimitDefaultBytes);
}

/** `1048576 bytes (1 MiB)`: the limit as a refusal names it. */
export function describeBodyLimit(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes} bytes (${bytes / (1024 * 1024)} MiB)`;
  if (bytes % 1024 === 0) return `${bytes} bytes (${bytes / 1024} KiB)`;
  return `${bytes} bytes`;
}

/** 413 `payload_too_large`, naming the limit. */
export function bodyTooLarge(limitBytes: number): FederaError {
  const reason = `request body is larger than the limit of ${describeBodyLimit(limitBytes)}`;
  return new FederaError(ErrorCodes.payloadTooLarge, reason, [{ path: '', reason, limitBytes }]);
}

/** Where the JSON middleware leaves the limit for readers of other bodies (a YAML spec). */
export interface RequestWithBodyLimit {
  bodyLimitBytes?: number;
}
