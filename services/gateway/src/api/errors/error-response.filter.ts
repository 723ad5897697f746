import {
  Catch,
  HttpException,
  Inject,
  Logger,
  Optional,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { ErrorCodes, FederaError, ValidationFailed, type ErrorBody } from '@federa/contracts';
import type { Request, Response } from 'express';
import { unavailableBackend, type BackendUrls } from '../../domain/unavailable-backend';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../gateway-config';
import { codeOfStatus, statusOfCode } from './status-mapping';

/**
 * Answers every failure in the contract's error format `{ error: { code, message, details } }`:
 * FederaError with its code, validation with every field error, framework errors (unknown route,
 * malformed body) by their status, a backend that cannot be reached (Postgres, NATS, a service's
 * `internal` reply saying so) as 503 `unavailable`, and anything else as `internal` without leaking
 * its text.
 */
@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  private readonly log = new Logger('errors');
  private readonly backendUrls: BackendUrls;

  constructor(@Optional() @Inject(GATEWAY_CONFIG) config?: GatewayConfig) {
    this.backendUrls = { postgres: config?.databaseUrl, nats: config?.natsUrl };
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const { status, body } = this.toResponse(exception, request);
    if (status >= 500 && body.error.code === ErrorCodes.internal) {
      this.log.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    if (response.headersSent) return;
    if (status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    response.status(status).json(body);
  }

  private toResponse(exception: unknown, request: Request): { status: number; body: ErrorBody } {
    const away =
      !(exception instanceof FederaError) || exception.code === ErrorCodes.internal
        ? unavailableBackend(exception, this.backendUrls)
        : undefined;
    if (away) {
      const error = new FederaError(
        ErrorCodes.unavailable,
        `${away.backend} is unavailable, try again shortly: ${away.reason}`,
        [{ backend: away.backend, reason: away.reason }],
      );
      return { status: 503, body: error.toBody() };
    }
    if (exception instanceof FederaError) {
      return { status: statusOfCode(exception.code), body: exception.toBody() };
    }
    if (exception instanceof ValidationFailed) {
      const error = FederaError.from(exception);
      return { status: 400, body: error.toBody() };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = codeOfStatus(status);
      const message =
        status === 404
          ? `no route ${request.method} ${request.path}`
          : httpExceptionMessage(exception);
      return { status, body: new FederaError(code, message, frameworkDetails(message)).toBody() };
    }
    return { status: 500, body: new FederaError(ErrorCodes.internal, 'internal error').toBody() };
  }
}

/**
 * The field of a framework refusal, where its message tells it: a path parameter that is not valid
 * percent-encoding (`/v1/services/%zz`) is named `path`, as the router does not say which one.
 */
function frameworkDetails(message: string): Array<{ path: string; reason: string }> {
  const undecodable = /^Failed to decode param '(.*)'$/s.exec(message);
  if (undecodable)
    return [{ path: 'path', reason: `${undecodable[1]} is not valid percent-encoding` }];
  return [];
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
