import {
  streamIds,
  type EventMetadata,
  type InstancePlacedData,
  type PlacementFailedData,
  type RecordedEvent,
} from '@federa/contracts';
import { StreamVersionConflict, type EventStore } from '@federa/eventstore';
import { foldClusterEvent, type ClusterModel } from './domain/cluster-fold';
import { ClusterState } from './domain/cluster-state';
import {
  instancePlacedData,
  placementFailedData,
  reservationsOnHost,
} from './domain/decision-events';
import type { PlacementDecision } from './domain/placement-decision';
import { recordOfFailed, recordOfPlaced, type PlacementRecord } from './domain/placement-record';
import type { PlacementRequest } from './domain/placement-request';
import { PlacementStack } from './domain/placement-stack';
import { ServiceCatalog } from './domain/service-catalog';
import { SerialQueue } from './serial-queue';

type Placed = Extract<PlacementDecision, { outcome: 'placed' }>;

export interface PlacementEngineOptions {
  /** Rounds of re-deciding after allocation-stream conflicts before giving up. @default 20 */
  maxAttempts?: number;
}

/** Who asked, copied into the metadata of the events a placement appends. */
export type PlacementCause = Pick<EventMetadata, 'correlationId'> &
  Partial<Pick<EventMetadata, 'causationId'>>;

/**
 * Placement against the event log. Folds the log into the cluster model, decides batches with the
 * stack and commits each host's reservations to `allocation-<host>` at the version it decided on,
 * then announces each placement with InstancePlaced (or PlacementFailed) in `instance-<id>`.
 * A version conflict means another replica allocated on that host: its ledger is re-read and those
 * instances are decided again, so no host is ever over-committed.
 */
export class PlacementEngine {
  readonly model: ClusterModel = { state: new ClusterState(), catalog: new ServiceCatalog() };
  private readonly records = new Map<string, PlacementRecord>();
  private readonly serial = new SerialQueue();
  private readonly maxAttempts: number;

  constructor(
    private readonly store: EventStore,
    readonly stack: PlacementStack = new PlacementStack(),
    options: PlacementEngineOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 20;
  }

  get state(): ClusterState {
    return this.model.state;
  }

  get catalog(): ServiceCatalog {
    return this.model.catalog;
  }

  /** Folds logged events (in log order) into the model and the placement records. */
  fold(events: readonly RecordedEvent[]): Promise<void> {
    return this.serial.run(async () => {
      for (const event of events) this.foldOne(event);
    });
  }

  /** The latest decision recorded about an instance. */
  record(instance: string): PlacementRecord | undefined {
    return this.records.get(instance);
  }

  /** Places the requests and commits the result; answers one decision per request, in order. */
  place(
    requests: readonly PlacementRequest[],
    cause: PlacementCause,
  ): Promise<PlacementDecision[]> {
    return this.serial.run(() => this.placeNow(requests, cause));
  }

  /** Where the requests would go now, as one batch; changes nothing. */
  plan(requests: readonly PlacementRequest[]): Promise<PlacementDecision[]> {
    return this.serial.run(async () => {
      const decisions = this.stack.decideBatch(requests, this.state);
      this.stack.undoBatch(decisions, this.state);
      return decisions;
    });
  }

  private async placeNow(
    requests: readonly PlacementRequest[],
    cause: PlacementCause,
  ): Promise<PlacementDecision[]> {
    const final = new Map<string, PlacementDecision>();
    let pending = [...requests];
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > this.maxAttempts) {
        throw new Error(
          `placement gave up after ${this.maxAttempts} rounds of allocation conflicts`,
        );
      }
      const decisions = this.stack.decideBatch(pending, this.state);
      const byHost = new Map<string, Placed[]>();
      const failed: PlacementDecision[] = [];
      for (const decision of decisions) {
        if (decision.outcome === 'failed') failed.push(decision);
        else
          byHost.set(decision.allocation.host, [
            ...(byHost.get(decision.allocation.host) ?? []),
            decision,
          ]);
      }
      const reserved = await Promise.all(
        [...byHost].map(([host, placed]) => this.reserve(host, placed, cause)),
      );
      const redo = reserved.filter((r) => !r.ok).flatMap((r) => r.placed);
      const committed = reserved.filter((r) => r.ok).flatMap((r) => r.placed);
      await this.announce(committed, cause, final);
      if (redo.length > 0) {
        // Failures decided beside reservations that were then undone are decided again with them.
        pending = [...redo.map((d) => d.request), ...failed.map((d) => d.request)];
        continue;
      }
      await this.announceFailures(failed, cause, final);
      pending = [];
    }
    return requests.map((r) => final.get(r.instance)!);
  }

  /** Appends one host's reservations at the version decided on; on a conflict undoes and re-reads them. */
  private async reserve(
    host: string,
    placed: Placed[],
    cause: PlacementCause,
  ): Promise<{ ok: boolean; placed: Placed[] }> {
    const entry = this.state.host(host)!;
    const expected = entry.allocationVersion ?? 0;
    const metadata = metadataOf(cause);
    // The store validates every event against the contracts registry; building them plain avoids doing it twice.
    const events = reservationsOnHost(entry, placed).map((data) => ({
      type: 'HostAllocationChanged',
      data,
      metadata,
    }));
    try {
      const result = await this.store.append(
        streamIds.allocation(host),
        expected === 0 ? 'no-stream' : expected,
        events,
      );
      if ((entry.allocationVersion ?? 0) < result.nextExpectedVersion)
        entry.allocationVersion = result.nextExpectedVersion;
      for (const decision of placed) {
        const claim = this.state.allocation(decision.allocation.instance);
        if (claim) claim.placedAt = result.lastPosition;
      }
      return { ok: true, placed };
    } catch (error) {
      this.stack.undoBatch(placed, this.state);
      if (!(error instanceof StreamVersionConflict)) throw error;
      const { events: missed } = await this.store.readStream(streamIds.allocation(host), {
        fromVersion: expected + 1,
      });
      for (const event of missed) this.foldOne(event);
      return { ok: false, placed };
    }
  }

  private async announce(
    placed: Placed[],
    cause: PlacementCause,
    final: Map<string, PlacementDecision>,
  ): Promise<void> {
    const metadata = metadataOf(cause);
    await Promise.all(
      placed.map(async (decision) => {
        const data = instancePlacedData(
          decision,
          this.state.host(decision.allocation.host)?.epoch ?? 1,
        );
        const result = await this.store.append(streamIds.instance(data.instance), 'any', [
          { type: 'InstancePlaced', data, metadata },
        ]);
        this.records.set(data.instance, recordOfPlaced(data, result.lastPosition));
        final.set(data.instance, decision);
      }),
    );
  }

  private async announceFailures(
    failed: PlacementDecision[],
    cause: PlacementCause,
    final: Map<string, PlacementDecision>,
  ): Promise<void> {
    const metadata = metadataOf(cause);
    await Promise.all(
      failed.map(async (decision) => {
        if (decision.outcome !== 'failed') return;
        const data = placementFailedData(decision);
        const result = await this.store.append(streamIds.instance(data.instance), 'any', [
          { type: 'PlacementFailed', data, metadata },
        ]);
        this.records.set(data.instance, recordOfFailed(data, result.lastPosition));
        final.set(data.instance, decision);
      }),
    );
  }

  private foldOne(event: RecordedEvent): void {
    foldClusterEvent(this.model, event);
    if (event.type !== 'InstancePlaced' && event.type !== 'PlacementFailed') return;
    const instance = (event.data as { instance: string }).instance;
    const known = this.records.get(instance);
    if (known && known.position >= event.position) return;
    this.records.set(
      instance,
      event.type === 'InstancePlaced'
        ? recordOfPlaced(event.data as InstancePlacedData, event.position)
        : recordOfFailed(event.data as PlacementFailedData, event.position),
    );
  }
}

function metadataOf(cause: PlacementCause): EventMetadata {
  return { ...cause, actor: 'placement', occurredAt: new Date().toISOString() };
}
