import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import {
  SpanKind,
  SpanStatusCode,
  contextOfCarrier,
  startSpan,
  tracingOn,
  withContext,
} from '@federa/runtime/tracing';
import type { NextFunction, Request, Response } from 'express';
import { Observable } from 'rxjs';

/** The context of each request's span, from the middleware to the interceptor. */
const spanContexts = new WeakMap<Request, Context>();

/**
 * Express middleware starting a span `HTTP <method> <route>` per request, under the caller's
 * `traceparent` header when it sends one; ended when the answer is sent (its status recorded).
 * With tracing off, passes the request on after one check.
 */
export function httpTracing(request: Request, response: Response, next: NextFunction): void {
  if (!tracingOn()) return next();
  const started = startSpan('federa-gateway', `HTTP ${request.method}`, {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': request.method, 'url.path': request.path },
    parent: contextOfCarrier({ get: (name) => headerOf(request, name) }),
  })!;
  spanContexts.set(request, started.context);
  response.once('finish', () => {
    const route = routeOf(request);
    started.span.updateName(`HTTP ${request.method} ${route}`);
    started.span.setAttribute('http.route', route);
    started.span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 500) started.span.setStatus({ code: SpanStatusCode.ERROR });
    started.span.end();
  });
  withContext(started.context, next);
}

/**
 * Makes the request's span active while its handler runs: body parsing hands the request on from
 * the socket's callbacks, where the middleware's context is no longer the active one.
 */
@Injectable()
export class HttpTraceContext implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!tracingOn() || execution.getType() !== 'http') return next.handle();
    const active = spanContexts.get(execution.switchToHttp().getRequest<Request>());
    if (!active) return next.handle();
    return new Observable((subscriber) =>
      withContext(active, () => next.handle().subscribe(subscriber)),
    );
  }
}

function headerOf(request: Request, name: string): string {
  const value = request.headers[name];
  return typeof value === 'string' ? value : '';
}

/** The route pattern that answered (`/v1/services/:name`), or `unmatched`, as the metrics name it. */
function routeOf(request: Request): string {
  const route = (request as Request & { route?: { path?: unknown } }).route;
  if (!route || typeof route.path !== 'string' || route.path.includes('{*')) return 'unmatched';
  return `${request.baseUrl ?? ''}${route.path}`;
}
