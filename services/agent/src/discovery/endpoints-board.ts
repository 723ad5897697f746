import type { FieldError, ServiceEndpoints } from '@federa/contracts';
import { judgeEndpoints, type EndpointsVerdict } from './domain/endpoints-verdict';

/** Where the board says why it refused a value. */
export interface BoardLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

interface Waiter {
  afterVersion: number;
  resolve: (endpoints: ServiceEndpoints | undefined) => void;
}

/**
 * The newest valid endpoints of every service, as read from the discovery bucket, and the readers
 * waiting for a newer one. A malformed value is refused with its reason logged, and the set held
 * before stays; an older or repeated version is ignored.
 */
export class EndpointsBoard {
  private readonly sets = new Map<string, ServiceEndpoints>();
  private readonly waiting = new Map<string, Set<Waiter>>();
  /**
   * Per service, what is added to the versions read from the bucket before they are served: above 0
   * once a recreated bucket's value came in below the version readers had seen.
   */
  private readonly lift = new Map<string, number>();
  /** Services whose next value is taken whatever its version: the bucket was created anew. */
  private readonly authoritative = new Set<string>();

  constructor(private readonly log: BoardLog) {}

  /**
   * The bucket was created anew (a NATS server that lost its store): its values, rewritten by
   * supervision, are the truth even when their versions are below those held. Each service's next
   * value is taken, and served above the version its readers saw (versions only grow for them).
   */
  recreated(): void {
    for (const service of this.sets.keys()) this.authoritative.add(service);
  }

  /** Judges the value of `key` read from the bucket, keeps it if it is the newest valid set. */
  offer(key: string, text: string): EndpointsVerdict {
    const held = this.sets.get(key);
    const lift = this.lift.get(key) ?? 0;
    const fresh = this.authoritative.has(key);
    const verdict = judgeEndpoints(
      key,
      text,
      held && !fresh ? { ...held, version: held.version - lift } : undefined,
    );
    if (verdict.kind === 'accepted') {
      const offered = verdict.endpoints.version;
      const next = fresh && held ? Math.max(0, held.version + 1 - offered) : lift;
      this.authoritative.delete(key);
      if (next > 0) this.lift.set(key, next);
      else this.lift.delete(key);
      verdict.endpoints = { ...verdict.endpoints, version: offered + next };
    }
    if (verdict.kind === 'refused') {
      this.log.warn(
        {
          service: key,
          fields: [...new Set(verdict.errors.map((e) => e.path || '(value)'))],
          errors: verdict.errors,
        },
        `discovery value refused: ${describe(verdict.errors)}; the last good set is kept`,
      );
    } else if (verdict.kind === 'accepted') {
      this.sets.set(key, verdict.endpoints);
      this.wake(key, verdict.endpoints);
    }
    return verdict;
  }

  /**
   * The service's key was deleted (the service stopped or was deleted): its set becomes an empty one
   * a version above the dropped one, and readers waiting on it are answered with it at once, so that
   * a reader holding the old endpoints adopts "none" (a poll arriving later gets it too). The service
   * deployed again is written at a later log position, above it.
   */
  remove(service: string, now = Date.now()): void {
    const held = this.sets.get(service);
    if (!held || held.applications.length === 0) return;
    const none: ServiceEndpoints = {
      service,
      version: held.version + 1,
      updatedAt: now,
      applications: [],
    };
    this.sets.set(service, none);
    this.wake(service, none);
  }

  /** The newest set held for `service`. */
  current(service: string): ServiceEndpoints | undefined {
    return this.sets.get(service);
  }

  /**
   * The first set of `service` whose version is above `afterVersion`: at once if held, else when
   * one arrives; when `timeoutMs` passes or `abort` fires first, what is held then (perhaps none).
   */
  next(
    service: string,
    afterVersion: number,
    timeoutMs: number,
    abort?: AbortSignal,
  ): Promise<ServiceEndpoints | undefined> {
    const held = this.sets.get(service);
    if ((held && held.version > afterVersion) || timeoutMs <= 0 || abort?.aborted) {
      return Promise.resolve(held);
    }
    return new Promise((resolve) => {
      const waiters = this.waiting.get(service) ?? new Set<Waiter>();
      this.waiting.set(service, waiters);
      const finish = (endpoints: ServiceEndpoints | undefined): void => {
        clearTimeout(timer);
        abort?.removeEventListener('abort', onAbort);
        waiters.delete(waiter);
        if (waiters.size === 0 && this.waiting.get(service) === waiters)
          this.waiting.delete(service);
        resolve(endpoints);
      };
      const waiter: Waiter = { afterVersion, resolve: finish };
      const onAbort = (): void => finish(this.sets.get(service));
      const timer = setTimeout(() => finish(this.sets.get(service)), timeoutMs);
      abort?.addEventListener('abort', onAbort, { once: true });
      waiters.add(waiter);
    });
  }

  /** Answers every waiting reader with what is held now (the agent is stopping). */
  releaseAll(): void {
    for (const [service, waiters] of [...this.waiting]) {
      for (const waiter of [...waiters]) waiter.resolve(this.sets.get(service));
    }
  }

  private wake(service: string, endpoints: ServiceEndpoints): void {
    const waiters = this.waiting.get(service);
    if (!waiters) return;
    for (const waiter of [...waiters]) {
      if (endpoints.version > waiter.afterVersion) waiter.resolve(endpoints);
    }
  }
}

function describe(errors: readonly FieldError[]): string {
  return errors.map((e) => (e.path ? `${e.path} ${e.reason}` : e.reason)).join('; ');
}
