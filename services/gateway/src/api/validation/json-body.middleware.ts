import { Injectable, type NestMiddleware } from '@nestjs/common';
import {
  DEPTH_LIMIT_REASON,
  ErrorCodes,
  FederaError,
  SpecLimits,
  jsonTextDeeperThan,
} from '@federa/contracts';
import { json, type NextFunction, type Request, type Response } from 'express';

/** The body parser's own limit; a service spec inside it has its smaller one (SpecLimits.specBytes). */
export const BODY_LIMIT = '1mb';

/** Thrown from `verify`, before JSON.parse, so that a deep body never reaches a recursive reader. */
class TooDeep extends Error {}

const parse = json({
  limit: BODY_LIMIT,
  verify: (_request, _response, buffer) => {
    if (jsonTextDeeperThan(buffer.toString('utf8'), SpecLimits.nestingDepth)) throw new TooDeep();
  },
});

/**
 * Parses JSON bodies and turns a malformed, oversized or too deeply nested one into a
 * `validation_failed` FederaError naming the limit, so that it is answered in the error format like
 * any other refusal.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    parse(request, response, (error?: unknown) => {
      if (!error) return next();
      next(bodyRefusal(error));
    });
  }
}

function bodyRefusal(error: unknown): FederaError {
  if (error instanceof TooDeep)
    return new FederaError(ErrorCodes.validation, 'request body is nested too deeply', [
      { path: '', reason: DEPTH_LIMIT_REASON },
    ]);
  const reason = error instanceof Error ? error.message : String(error);
  const tooLarge = (error as { type?: string }).type === 'entity.too.large';
  return new FederaError(
    ErrorCodes.validation,
    tooLarge
      ? `request body is larger than the limit of ${BODY_LIMIT}`
      : 'request body is not valid JSON',
    [{ path: '', reason }],
  );
}
