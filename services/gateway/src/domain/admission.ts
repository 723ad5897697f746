import { AdaptiveLimit } from './adaptive-limit';

/**
 * Load shedding's decision, without I/O (docs/adr/load-shedding.md): each class of route has a
 * budget of requests served at once (adapted to the latency of its answers, see AdaptiveLimit)
 * and a short queue in front of it. A request beyond both is
 * refused at once; a queued one is refused when it has waited too long. How long is too long
 * follows CoDel as servers use it: while the queue empties now and then, a burst may wait up to
 * `queueMs`; once it has stood for `intervalMs` without emptying, the load is above capacity and
 * waiting only adds latency, so requests wait `standingQueueMs` at most.
 */

/** Routes shed together: reads and writes have budgets of their own; `exempt` is never shed. */
export type RouteClass = 'read' | 'write' | 'exempt';

/** Probes and scrapes must answer most when the gateway is busiest; a stream holds no budget for hours. */
const exemptPaths = new Set(['/healthz', '/readyz', '/metrics', '/v1/events/stream']);
const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The class of a request, by its method and path (without the query). */
export function routeClassOf(method: string, path: string): RouteClass {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (exemptPaths.has(trimmed)) return 'exempt';
  return readMethods.has(method.toUpperCase()) ? 'read' : 'write';
}

/** One class's budget. */
export interface AdmissionLimits {
  /** Requests served at once at most; 0 turns shedding off for the class. */
  concurrency: number;
  /**
   * p90 latency of answers above which fewer requests are served at once (down to a quarter of
   * `concurrency`); 0 keeps
   * the limit at `concurrency`.
   */
  latencyTargetMs: number;
  /** Requests waiting for a slot at most; beyond, refused at once. */
  queueLength: number;
  /** Longest wait in a queue that empties now and then (a burst). */
  queueMs: number;
  /** Longest wait once the queue has stood for `intervalMs` (an overload). */
  standingQueueMs: number;
  /** How long the queue must stay non-empty to count as standing; also the adaptive limit's window. */
  intervalMs: number;
}

/** Why a request was refused: no room to wait, or waited too long. */
export type ShedReason = 'queue_full' | 'queue_timeout';

export type Arrival =
  { outcome: 'admitted' } | { outcome: 'queued' } | { outcome: 'shed'; reason: 'queue_full' };

/**
 * One class's slots and queue. `T` is whatever the caller needs to resume or refuse a request;
 * times are milliseconds on any monotonic clock, given by the caller.
 */
export class AdmissionQueue<T> {
  private running = 0;
  private readonly adaptive?: AdaptiveLimit;
  private readonly waiting: { item: T; since: number }[] = [];
  /** When the queue was last seen empty: the start of a standing queue. */
  private emptySince: number;

  constructor(
    readonly limits: AdmissionLimits,
    now: number,
  ) {
    this.emptySince = now;
    if (limits.latencyTargetMs > 0 && limits.concurrency > 0) {
      this.adaptive = new AdaptiveLimit(
        {
          // A quarter of the ceiling: under a starved CPU, latency grows whatever the limit, and a
          // lower floor would only cut the rate served.
          min: Math.max(1, Math.ceil(limits.concurrency / 4)),
          max: limits.concurrency,
          latencyTargetMs: limits.latencyTargetMs,
          windowMs: limits.intervalMs,
        },
        now,
      );
    }
  }

  /** Requests served at once now: the adaptive limit, or the configured concurrency. */
  get limit(): number {
    return this.adaptive?.limit ?? this.limits.concurrency;
  }

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** A request arrives: it runs now, waits, or is refused. */
  arrive(item: T, now: number): Arrival {
    if (this.limits.concurrency <= 0) return { outcome: 'admitted' };
    if (this.waiting.length === 0) this.emptySince = now;
    if (this.running < this.limit && this.waiting.length === 0) {
      this.running++;
      return { outcome: 'admitted' };
    }
    this.adaptive?.reached();
    if (this.waiting.length >= this.limits.queueLength) {
      return { outcome: 'shed', reason: 'queue_full' };
    }
    this.waiting.push({ item, since: now });
    return { outcome: 'queued' };
  }

  /**
   * A request that was admitted has been answered, `latencyMs` after its admission: its slot (and
   * any the adaptive limit added) goes to the oldest waiting requests still within their deadline
   * (`admitted`); those past it are refused (`expired`).
   */
  leave(now: number, latencyMs?: number): { admitted: T[]; expired: T[] } {
    if (this.limits.concurrency <= 0) return { admitted: [], expired: [] };
    this.running = Math.max(0, this.running - 1);
    if (latencyMs !== undefined) this.adaptive?.record(latencyMs, now);
    const expired = this.expire(now);
    const admitted: T[] = [];
    while (this.running < this.limit && this.waiting.length > 0) {
      admitted.push(this.waiting.shift()!.item);
      this.running++;
    }
    if (this.waiting.length === 0) this.emptySince = now;
    return { admitted, expired };
  }

  /** Removes and answers the waiting requests past their deadline, oldest first. */
  expire(now: number): T[] {
    const limit = this.waitLimit(now);
    const expired: T[] = [];
    while (this.waiting.length > 0 && now - this.waiting[0].since >= limit) {
      expired.push(this.waiting.shift()!.item);
    }
    if (this.waiting.length === 0) this.emptySince = now;
    return expired;
  }

  /** A waiting request whose client went away gives up its place; false when it was not waiting. */
  withdraw(item: T, now: number): boolean {
    const index = this.waiting.findIndex((w) => w.item === item);
    if (index < 0) return false;
    this.waiting.splice(index, 1);
    if (this.waiting.length === 0) this.emptySince = now;
    return true;
  }

  /** When the oldest waiting request's deadline falls, as things stand; undefined when none waits. */
  nextDeadline(now: number): number | undefined {
    if (this.waiting.length === 0) return undefined;
    const since = this.waiting[0].since;
    if (this.isStanding(now)) return since + this.limits.standingQueueMs;
    // Unless the queue empties first, it becomes standing and the shorter limit applies from then.
    const becomesStanding = this.emptySince + this.limits.intervalMs;
    return Math.min(
      since + this.limits.queueMs,
      Math.max(becomesStanding, since + this.limits.standingQueueMs),
    );
  }

  /** How long a request may wait now: short once the queue has stood for a whole interval. */
  waitLimit(now: number): number {
    return this.isStanding(now) ? this.limits.standingQueueMs : this.limits.queueMs;
  }

  private isStanding(now: number): boolean {
    return this.waiting.length > 0 && now - this.emptySince >= this.limits.intervalMs;
  }
}
