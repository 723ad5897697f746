import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus registry: process defaults plus HTTP requests by route and status. */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route' | 'status'>;

  constructor() {
    // One registry per app (not prom-client's global one), so that several gateways can live in
    // one process, as they do in tests.
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.durations = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  /**
   * Express middleware counting every request when its answer is sent. The route label is the
   * matched pattern (`/v1/hosts/:id`), or `unmatched`, so that ids never explode the label set.
   */
  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const end = this.durations.startTimer();
    response.once('finish', () => {
      const labels = {
        method: request.method,
        route: routeLabel(request),
        status: String(response.statusCode),
      };
      this.requests.inc(labels);
      end(labels);
    });
    next();
  };
}

/** A catch-all (`/{*path}`) is middleware mounted on every path, not a route that matched. */
function routeLabel(request: Request): string {
  const route = (request as Request & { route?: { path?: unknown } }).route;
  if (!route || typeof route.path !== 'string' || route.path.includes('{*')) return 'unmatched';
  return `${request.baseUrl ?? ''}${route.path}`;
}
