import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import {
  DEPTH_LIMIT_REASON,
  ErrorCodes,
  FederaError,
  SpecLimits,
  jsonTextDeeperThan,
} from '@federa/contracts';
import { json, type NextFunction, type Request, type Response } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../gateway-config';
import { bodyLimitDefaultBytes, bodyTooLarge, type RequestWithBodyLimit } from './body-limit';

/** Thrown from `verify`, before JSON.parse, so that a deep body never reaches a recursive reader. */
class TooDeep extends Error {}

/**
 * Parses JSON bodies up to the gateway's body limit (FEDERA_API_BODY_LIMIT; a service spec inside
 * has its smaller one, SpecLimits.specBytes) and turns a malformed or too deeply nested one into a
 * `validation_failed` FederaError, an oversized one into 413 `payload_too_large` naming the limit,
 * so that each is answered in the error format like any other refusal.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly limitBytes: number;
  private readonly parse: ReturnType<typeof json>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.limitBytes = config.bodyLimitBytes ?? bodyLimitDefaultBytes;
    this.parse = json({
      limit: this.limitBytes,
      verify: (_request, _response, buffer) => {
        if (jsonTextDeeperThan(buffer.toString('utf8'), SpecLimits.nestingDepth))
          throw new TooDeep();
      },
    });
  }

  use(request: Request & RequestWithBodyLimit, response: Response, next: NextFunction): void {
    request.bodyLimitBytes = this.limitBytes;
    this.parse(request, response, (error?: unknown) => {
      if (!error) return next();
      next(bodyRefusal(error, this.limitBytes));
    });
  }
}

function bodyRefusal(error: unknown, limitBytes: number): FederaError {
  if ((error as { type?: string }).type === 'entity.too.large') return bodyTooLarge(limitBytes);
  if (error instanceof TooDeep)
    return new FederaError(ErrorCodes.validation, 'request body is nested too deeply', [
      { path: '', reason: DEPTH_LIMIT_REASON },
    ]);
  const reason = error instanceof Error ? error.message : String(error);
  return new FederaError(ErrorCodes.validation, 'request body is not valid JSON', [
    { path: '', reason },
  ]);
}
