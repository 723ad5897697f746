import { createHash } from 'node:crypto';
import { causedMetadata, type InstanceRequestedData, type RecordedEvent } from '@federa/contracts';
import { backoffDelayMs, type BackoffPolicy } from '@federa/runtime/backoff';
import { contextOfTraceparent, inSpan } from '@federa/runtime/tracing';
import type { PlacementRequest } from '../domain/placement-request';
import { requestForApplication } from '../domain/request-for-application';
import { resourcesOf } from '../domain/resource-amounts';
import type { PlacementCause, PlacementEngine } from './placement-engine';

/** Which share of the instances this replica places: instances hash to one of `count` replicas. */
export interface ReplicaShare {
  index: number;
  count: number;
}

interface Pending {
  event: RecordedEvent<InstanceRequestedData>;
}

/** Waits before placing again the requests of a batch that failed (a Postgres blip, a round given up). */
const retryBackoff: BackoffPolicy = { baseMs: 200, maxMs: 10_000 };

/**
 * Turns InstanceRequested events into placements. Requests seen while catching up are held until
 * the log is read to its end, so requests already answered by InstancePlaced or PlacementFailed are
 * not placed again; then every open request is placed together, each answer caused by its request's
 * correlation.
 */
export class InstanceRequestIntake {
  private readonly pending = new Map<string, Pending>();
  /** The next try of a failed batch, and how many batches in a row failed. */
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly engine: PlacementEngine,
    private readonly share: ReplicaShare = { index: 0, count: 1 },
    /** Told when a batch could not be placed; the intake goes on with the next. @default rethrow */
    private readonly onError: (error: unknown, instances: string[]) => void = (error) => {
      throw error;
    },
  ) {}

  /** Folds a page of the log; when `caughtUp`, places what is still open. */
  async onEvents(events: RecordedEvent[], caughtUp: boolean): Promise<void> {
    await this.engine.fold(events);
    for (const event of events) {
      const instance = (event.data as { instance?: string }).instance;
      if (!instance) continue;
      if (event.type === 'InstanceRequested' && this.isMine(instance)) {
        this.pending.set(instance, { event: event as RecordedEvent<InstanceRequestedData> });
      } else if (event.type === 'InstancePlaced' || event.type === 'PlacementFailed') {
        const open = this.pending.get(instance);
        if (open && open.event.position < event.position) this.pending.delete(instance);
      }
    }
    if (caughtUp && this.pending.size > 0) await this.placePending();
  }

  /** Places every open request in one call (rounds of the engine's size), each with its own cause. */
  private async placePending(): Promise<void> {
    const causes = new Map<string, PlacementCause>();
    const requests: PlacementRequest[] = [];
    for (const { event } of this.pending.values()) {
      // Each placement is caused by its own request, and acts for whoever that request acted for.
      causes.set(event.data.instance, causedMetadata(event, 'placement'));
      requests.push(this.requestOf(event.data));
    }
    const batch = [...this.pending];
    this.pending.clear();
    try {
      // In the trace of the first request (an apply's requests share one); each request's own
      // trace goes on in its events' metadata (causedMetadata).
      await inSpan(
        'federa-placement',
        'placement round',
        () => this.engine.place(requests, (instance) => causes.get(instance)!),
        {
          attributes: { 'federa.requests': requests.length },
          parent: contextOfTraceparent(batch[0]?.[1].event.metadata.traceparent),
        },
      );
      this.failures = 0;
    } catch (error) {
      // Supervision counts a requested instance as on its way and asks for no other: a batch that
      // failed is placed again (the planner passes over instances no longer pending), after a wait.
      for (const [instance, open] of batch)
        if (!this.pending.has(instance)) this.pending.set(instance, open);
      this.scheduleRetry();
      this.onError(
        error,
        requests.map((r) => r.instance),
      );
    }
  }

  /** Stops the retry of a failed batch, if one is waiting. */
  stop(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
  }

  private scheduleRetry(): void {
    if (this.retry) return;
    this.retry = setTimeout(
      () => {
        this.retry = undefined;
        if (this.pending.size > 0) void this.placePending();
      },
      backoffDelayMs(this.failures++, retryBackoff) + retryBackoff.baseMs,
    );
    this.retry.unref();
  }

  /** The request's own layer and resources, with the rules of its service's latest spec. */
  private requestOf(data: InstanceRequestedData): PlacementRequest {
    const spec = this.engine.catalog.get(data.service);
    const base: PlacementRequest = spec?.applications.some((a) => a.name === data.app)
      ? requestForApplication(spec, data.app, data.instance)
      : {
          instance: data.instance,
          service: data.service,
          app: data.app,
          layer: data.layer,
          resources: resourcesOf(data.resources),
          antiAffinity: [],
          spread: [],
        };
    return { ...base, layer: data.layer, resources: resourcesOf(data.resources) };
  }

  private isMine(instance: string): boolean {
    if (this.share.count <= 1) return true;
    return (
      createHash('sha1').update(instance).digest().readUInt32BE(0) % this.share.count ===
      this.share.index
    );
  }
}
