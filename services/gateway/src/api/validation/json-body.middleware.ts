import { Injectable, type NestMiddleware } from '@nestjs/common';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { json, type NextFunction, type Request, type Response } from 'express';

const parse = json({ limit: '1mb' });

/**
 * Parses JSON bodies and turns a malformed or oversized one into a `validation_failed` FederaError,
 * so that it is answered in the error format like any other refusal.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    parse(request, response, (error?: unknown) => {
      if (!error) return next();
      const reason = error instanceof Error ? error.message : String(error);
      const tooLarge = (error as { type?: string }).type === 'entity.too.large';
      next(
        new FederaError(
          ErrorCodes.validation,
          tooLarge ? 'request body is larger than 1mb' : 'request body is not valid JSON',
          [{ path: '', reason }],
        ),
      );
    });
  }
}
