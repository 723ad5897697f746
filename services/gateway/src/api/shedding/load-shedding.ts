import { ErrorCodes, errorBody } from '@federa/contracts';
import type { NextFunction, Request, Response } from 'express';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  AdmissionQueue,
  routeClassOf,
  type RouteClass,
  type ShedReason,
} from '../../domain/admission';
import type { SheddingConfig } from './shedding-config';

type ShedClass = Exclude<RouteClass, 'exempt'>;

/** A request holding or waiting for a slot: how to let it through, and how to refuse it. */
interface Pending {
  request: Request;
  response: Response;
  next: NextFunction;
  admittedAt?: number;
}

/**
 * Express middleware mounted before everything else (logging, auth, routing), so that a refusal
 * costs next to nothing: a request past its class's budget and queue is answered 503 `overloaded`
 * with `Retry-After` at once, instead of waiting behind the work the gateway cannot keep up with
 * (docs/adr/load-shedding.md). Every refusal is counted in `http_requests_shed_total`.
 */
export class LoadShedding {
  private readonly queues: Record<ShedClass, AdmissionQueue<Pending>>;
  private readonly timers: Partial<Record<ShedClass, NodeJS.Timeout>> = {};
  private readonly shed: Counter<'class' | 'reason'>;
  /**
   * How late this process's event loop runs, over the last window: time a request spends before
   * the middleware even sees it (parsing, other callbacks, a starved CPU), which admission-to-answer
   * latency alone would miss.
   */
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private loopDelayMs = 0;
  private readonly loopTimer: NodeJS.Timeout;

  constructor(
    private readonly config: SheddingConfig,
    registry: Registry,
  ) {
    const now = performance.now();
    this.loopDelay.enable();
    this.loopTimer = setInterval(() => {
      // The mean less the sampling resolution: an idle loop reads ~0.
      this.loopDelayMs = Math.max(0, this.loopDelay.mean / 1e6 - 10);
      this.loopDelay.reset();
    }, config.read.intervalMs);
    this.loopTimer.unref();
    this.queues = {
      read: new AdmissionQueue<Pending>(config.read, now),
      write: new AdmissionQueue<Pending>(config.write, now),
    };
    this.shed = new Counter({
      name: 'http_requests_shed_total',
      help: 'HTTP requests refused with 503 overloaded, by route class (read, write) and reason (queue_full, queue_timeout)',
      labelNames: ['class', 'reason'],
      registers: [registry],
    });
    const queues = this.queues;
    new Gauge({
      name: 'http_requests_in_flight',
      help: 'HTTP requests being served, by route class (read, write); exempt routes are not counted',
      labelNames: ['class'],
      registers: [registry],
      collect() {
        for (const name of ['read', 'write'] as const)
          this.set({ class: name }, queues[name].inFlight);
      },
    });
    new Gauge({
      name: 'http_requests_concurrency_limit',
      help: 'Requests served at once at most now (the adaptive limit), by route class (read, write)',
      labelNames: ['class'],
      registers: [registry],
      collect() {
        for (const name of ['read', 'write'] as const)
          this.set({ class: name }, queues[name].limit);
      },
    });
    new Gauge({
      name: 'http_requests_queued',
      help: 'HTTP requests waiting for a slot, by route class (read, write)',
      labelNames: ['class'],
      registers: [registry],
      collect() {
        for (const name of ['read', 'write'] as const)
          this.set({ class: name }, queues[name].queued);
      },
    });
  }

  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const routeClass = routeClassOf(request.method, request.path);
    if (routeClass === 'exempt') return next();
    const queue = this.queues[routeClass];
    if (queue.limits.concurrency <= 0) return next();
    const pending: Pending = { request, response, next };
    const arrival = queue.arrive(pending, performance.now());
    if (arrival.outcome === 'admitted') return this.run(routeClass, pending);
    if (arrival.outcome === 'shed') return this.refuse(routeClass, pending, arrival.reason);
    // A client that gives up while waiting frees its place; its answer will never be read.
    response.once('close', () => {
      if (queue.withdraw(pending, performance.now())) this.schedule(routeClass);
    });
    this.schedule(routeClass);
  };

  /** Stops the deadline timers (the app is closing). */
  close(): void {
    clearInterval(this.loopTimer);
    this.loopDelay.disable();
    for (const timer of Object.values(this.timers)) clearTimeout(timer);
  }

  private run(routeClass: ShedClass, pending: Pending): void {
    // 'close' comes after the answer is sent and when the client goes away first: the slot is
    // freed exactly once either way.
    pending.admittedAt = performance.now();
    pending.response.once('close', () => this.release(routeClass, pending));
    pending.next();
  }

  private release(routeClass: ShedClass, done: Pending): void {
    const now = performance.now();
    const latencyMs = now - done.admittedAt! + this.loopDelayMs;
    const { admitted, expired } = this.queues[routeClass].leave(now, latencyMs);
    for (const pending of expired) this.refuse(routeClass, pending, 'queue_timeout');
    for (const pending of admitted) this.run(routeClass, pending);
    this.schedule(routeClass);
  }

  /** Arms one timer per class for the oldest waiting request's deadline. */
  private schedule(routeClass: ShedClass): void {
    clearTimeout(this.timers[routeClass]);
    const queue = this.queues[routeClass];
    const deadline = queue.nextDeadline(performance.now());
    if (deadline === undefined) return void delete this.timers[routeClass];
    const timer = setTimeout(
      () => {
        for (const pending of queue.expire(performance.now())) {
          this.refuse(routeClass, pending, 'queue_timeout');
        }
        this.schedule(routeClass);
      },
      Math.max(0, Math.ceil(deadline - performance.now())),
    );
    timer.unref();
    this.timers[routeClass] = timer;
  }

  private refuse(routeClass: ShedClass, pending: Pending, reason: ShedReason): void {
    this.shed.inc({ class: routeClass, reason });
    const { response } = pending;
    if (response.headersSent || response.writableEnded) return;
    const queue = this.queues[routeClass];
    const body = errorBody(
      ErrorCodes.overloaded,
      `the gateway is serving as many ${routeClass}s as it can (${queue.limit} at once, ` +
        `${queue.limits.queueLength} waiting); retry after ${this.config.retryAfterS} s`,
      [{ class: routeClass, reason, concurrency: queue.limit, queue: queue.limits.queueLength }],
    );
    response.statusCode = 503;
    response.setHeader('Retry-After', String(this.config.retryAfterS));
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.end(JSON.stringify(body));
  }
}
