import { ErrorCodes, errorBody, type ErrorBody, type ErrorCode } from './error-body';
import { ValidationFailed } from '../validation/field-error';

/**
 * A refusal that crosses boundaries intact: a service throws it, the NATS reply carries it, the gateway
 * answers it with the matching HTTP status, the CLI prints it.
 */
export class FederaError extends Error {
  constructor(
    readonly code: ErrorCode | string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'FederaError';
  }

  toBody(): ErrorBody {
    return errorBody(this.code, this.message, this.details);
  }

  static fromBody(body: ErrorBody): FederaError {
    return new FederaError(body.error.code, body.error.message, body.error.details ?? []);
  }

  /** Any thrown value as the error format; unknown errors become `internal` without leaking internals. */
  static from(error: unknown): FederaError {
    if (error instanceof FederaError) return error;
    if (error instanceof ValidationFailed) {
      return new FederaError(ErrorCodes.validation, error.message, error.errors);
    }
    return new FederaError(
      ErrorCodes.internal,
      error instanceof Error ? error.message : String(error),
    );
  }
}
