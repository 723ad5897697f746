import {
  streamIds,
  type EventMetadata,
  type HostAllocationChangedData,
  type InstancePlacedData,
  type PlacementFailedData,
  type RecordedEvent,
} from '@federa/contracts';
import {
  StreamsVersionConflict,
  type AppendManyResult,
  type EventStore,
  type StreamAppend,
} from '@federa/eventstore';
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

const allocationPrefix = streamIds.allocation('');

/** A decided instance's event for its own stream. */
type Outcome =
  | { type: 'InstancePlaced'; data: InstancePlacedData; decision: PlacementDecision }
  | { type: 'PlacementFailed'; data: PlacementFailedData; decision: PlacementDecision };

/** A round decided and its events built, waiting for its commit. */
interface PreparedRound {
  /** The engine's clock when it was decided: undos after that make some of it stale. */
  decidedAt: number;
  decisions: PlacementDecision[];
  /** The round's placements by host, and each host's reservations (with running totals). */
  byHost: Map<string, Placed[]>;
  reservations: Map<string, HostAllocationChangedData[]>;
  /** Not yet committed, one per instance. */
  outcomes: Outcome[];
}

export interface PlacementEngineOptions {
  /** Rounds of re-deciding after allocation-stream conflicts before giving up. @default 20 */
  maxAttempts?: number;
  /** Requests decided and committed together (one appendMany per round). @default 1000 */
  roundSize?: number;
  /**
   * Decide the next round while Postgres commits the last one (Node and Postgres then work at the same
   * time; docs/BENCHMARKS.md, Placement). Off: each round is committed before the next is decided.
   * @default true
   */
  overlapRounds?: boolean;
}

/** The log as placement needs it: with the atomic multi-stream append. */
export type PlacementStore = EventStore & Required<Pick<EventStore, 'appendMany'>>;

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
  private readonly roundSize: number;
  private readonly overlapRounds: boolean;
  /** Ticks at each round decided and each undo, to tell which rounds an undo made stale. */
  private clock = 0;
  private lastUndo = 0;
  private readonly undoneAt = new Map<string, number>();

  constructor(
    private readonly store: PlacementStore,
    readonly stack: PlacementStack = new PlacementStack(),
    options: PlacementEngineOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 20;
    this.roundSize = options.roundSize ?? 1000;
    this.overlapRounds = options.overlapRounds ?? true;
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

  /**
   * Places the requests and commits the result; answers one decision per request, in order. `cause`
   * is one for all, or each instance's own.
   */
  place(
    requests: readonly PlacementRequest[],
    cause: PlacementCause | ((instance: string) => PlacementCause),
  ): Promise<PlacementDecision[]> {
    return this.serial.run(() => this.placeNow(requests, cause));
  }

  /**
   * Where the requests would go now, as one batch; changes nothing. With `without`, as if that
   * service's instances were gone: where a fresh deploy of it would go.
   */
  plan(
    requests: readonly PlacementRequest[],
    options: { without?: string } = {},
  ): Promise<PlacementDecision[]> {
    return this.serial.run(async () => {
      const set = options.without ? this.state.allocationsOfService(options.without) : [];
      for (const allocation of set) this.state.release(allocation.instance);
      try {
        const decisions = this.stack.decideBatch(requests, this.state);
        this.stack.undoBatch(decisions, this.state);
        return decisions;
      } finally {
        for (const allocation of set) this.state.allocate(allocation);
      }
    });
  }

  /**
   * Decides the requests in rounds of `roundSize` and commits each round (every host's reservations at
   * its ledger version, every InstancePlaced and PlacementFailed) in one appendMany. With
   * `overlapRounds`, the next round is decided while the last one is being committed. When hosts conflict, only the
   * placements on them are undone, their ledgers re-read and those requests decided again in a later
   * round; a round decided before such an undo also redoes its placements on those hosts, and its
   * failures (an undo may have freed a host for them).
   */
  private async placeNow(
    requests: readonly PlacementRequest[],
    cause: PlacementCause | ((instance: string) => PlacementCause),
  ): Promise<PlacementDecision[]> {
    const causeOf = typeof cause === 'function' ? cause : () => cause;
    const metadataOf = metadataMaker(causeOf);
    const final = new Map<string, PlacementDecision>();
    const fresh: PlacementRequest[][] = [];
    for (let i = 0; i < requests.length; i += this.roundSize) {
      fresh.push(requests.slice(i, i + this.roundSize));
    }
    const redo: PlacementRequest[] = [];
    let redoRounds = 0;
    let committing: Promise<PlacementRequest[]> | undefined;
    for (;;) {
      if (committing && !this.overlapRounds) {
        redo.push(...(await committing));
        committing = undefined;
      }
      let batch = fresh.shift();
      if (!batch && !committing && redo.length > 0) {
        if (++redoRounds > this.maxAttempts) {
          throw new Error(
            `placement gave up after ${this.maxAttempts} rounds of allocation conflicts`,
          );
        }
        batch = redo.splice(0, this.roundSize);
      }
      const next = batch ? this.prepare(batch) : undefined;
      if (committing) {
        try {
          redo.push(...(await committing));
        } catch (error) {
          if (next) this.stack.undoBatch(next.decisions, this.state);
          throw error;
        }
      }
      committing = next && this.commitRound(next, metadataOf, final);
      // Awaited on the next turn; a commit failing before then must not count as unhandled meanwhile.
      committing?.catch(() => undefined);
      if (!committing && fresh.length === 0 && redo.length === 0) break;
      // Deciding the next round holds the thread: let the pool hand this round's statement to the
      // socket first, so that Postgres runs it meanwhile rather than after.
      if (committing && this.overlapRounds) await new Promise((r) => setImmediate(r));
    }
    return requests.map((r) => final.get(r.instance)!);
  }

  /** Decides a round (applied to the state) and builds its events while the state is as decided. */
  private prepare(requests: readonly PlacementRequest[]): PreparedRound {
    const decidedAt = ++this.clock;
    const decisions = this.stack.decideBatch(requests, this.state);
    const byHost = new Map<string, Placed[]>();
    for (const decision of decisions) {
      if (decision.outcome !== 'placed') continue;
      const onHost = byHost.get(decision.allocation.host);
      if (onHost) onHost.push(decision);
      else byHost.set(decision.allocation.host, [decision]);
    }
    const reservations = new Map<string, HostAllocationChangedData[]>();
    for (const [host, placed] of byHost) {
      reservations.set(host, reservationsOnHost(this.state.host(host)!, placed));
    }
    const outcomes = decisions.map((decision): Outcome => {
      if (decision.outcome === 'failed') {
        return { type: 'PlacementFailed', data: placementFailedData(decision), decision };
      }
      const epoch = this.state.host(decision.allocation.host)?.epoch ?? 1;
      return { type: 'InstancePlaced', data: instancePlacedData(decision, epoch), decision };
    });
    return { decidedAt, decisions, byHost, reservations, outcomes };
  }

  /**
   * Commits a prepared round, setting aside what an undo made stale and, on conflicts, the placements
   * on the conflicting hosts; answers the requests to decide again.
   */
  private async commitRound(
    round: PreparedRound,
    metadataOf: (instance: string) => EventMetadata,
    final: Map<string, PlacementDecision>,
  ): Promise<PlacementRequest[]> {
    const redo: PlacementRequest[] = [];
    const setAside = (hosts: (host: string) => boolean, failures: boolean) => {
      const undone = round.outcomes.filter(
        (o) => o.decision.outcome === 'placed' && hosts(o.decision.allocation.host),
      );
      this.stack.undoBatch(
        undone.map((o) => o.decision),
        this.state,
      );
      redo.push(...undone.map((o) => o.decision.request));
      if (failures) {
        redo.push(
          ...round.outcomes
            .filter((o) => o.decision.outcome === 'failed')
            .map((o) => o.decision.request),
        );
      }
      round.outcomes = round.outcomes.filter(
        (o) => !(o.decision.outcome === 'placed' ? hosts(o.decision.allocation.host) : failures),
      );
      for (const host of [...round.byHost.keys()]) if (hosts(host)) round.byHost.delete(host);
    };
    if (this.lastUndo > round.decidedAt) {
      setAside((host) => (this.undoneAt.get(host) ?? 0) > round.decidedAt, true);
    }
    while (round.outcomes.length > 0) {
      const conflicted = await this.commit(round, metadataOf, final);
      if (conflicted.size === 0) break;
      setAside((host) => conflicted.has(host), true);
      this.markUndone(conflicted);
      await this.refold([...conflicted]);
      // A round decided while the ledgers were being re-read saw them half-folded: stale as well.
      this.markUndone(conflicted);
    }
    return redo;
  }

  /**
   * Appends the round in one appendMany, each ledger at its version now, and records what was
   * committed; answers the hosts whose ledgers were elsewhere (then nothing was appended).
   */
  private async commit(
    round: PreparedRound,
    metadataOf: (instance: string) => EventMetadata,
    final: Map<string, PlacementDecision>,
  ): Promise<Set<string>> {
    const hosts = [...round.byHost.keys()];
    const appends: StreamAppend[] = hosts.map((host) => {
      const expected = this.state.host(host)!.allocationVersion ?? 0;
      return {
        streamId: streamIds.allocation(host),
        expected: expected === 0 ? 'no-stream' : expected,
        events: round.reservations.get(host)!.map((data) => ({
          type: 'HostAllocationChanged',
          data,
          metadata: metadataOf(data.instance),
        })),
      };
    });
    for (const { type, data } of round.outcomes) {
      appends.push({
        streamId: streamIds.instance(data.instance),
        expected: 'any',
        events: [{ type, data, metadata: metadataOf(data.instance) }],
      });
    }
    let result: AppendManyResult;
    try {
      result = await this.store.appendMany(appends);
    } catch (error) {
      const ledgers =
        error instanceof StreamsVersionConflict
          ? error.streamIds.filter((id) => id.startsWith(allocationPrefix))
          : [];
      if (ledgers.length === 0) {
        this.stack.undoBatch(
          round.outcomes.map((o) => o.decision),
          this.state,
        );
        throw error;
      }
      return new Set(ledgers.map((id) => id.slice(allocationPrefix.length)));
    }
    hosts.forEach((host, i) => {
      const entry = this.state.host(host)!;
      const { nextExpectedVersion, lastPosition } = result.streams[i];
      if ((entry.allocationVersion ?? 0) < nextExpectedVersion)
        entry.allocationVersion = nextExpectedVersion;
      for (const decision of round.byHost.get(host)!) {
        const claim = this.state.allocation(decision.allocation.instance);
        if (claim) claim.placedAt = lastPosition;
      }
    });
    round.outcomes.forEach((outcome, i) => {
      const position = result.streams[hosts.length + i].lastPosition;
      this.records.set(
        outcome.data.instance,
        outcome.type === 'InstancePlaced'
          ? recordOfPlaced(outcome.data, position)
          : recordOfFailed(outcome.data, position),
      );
      final.set(outcome.data.instance, outcome.decision);
    });
    return new Set();
  }

  /** Makes every round decided until now redo its placements on these hosts when it commits. */
  private markUndone(hosts: Set<string>): void {
    this.lastUndo = ++this.clock;
    for (const host of hosts) this.undoneAt.set(host, this.lastUndo);
  }

  /** Folds what other writers appended to these hosts' ledgers since this replica last saw them. */
  private async refold(hosts: string[]): Promise<void> {
    const missed = await Promise.all(
      hosts.map((host) =>
        this.store.readStream(streamIds.allocation(host), {
          fromVersion: (this.state.host(host)?.allocationVersion ?? 0) + 1,
        }),
      ),
    );
    for (const { events } of missed) for (const event of events) this.foldOne(event);
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

/** Metadata per instance, one object per distinct cause (the store prints each object once). */
function metadataMaker(
  causeOf: (instance: string) => PlacementCause,
): (instance: string) => EventMetadata {
  const occurredAt = new Date().toISOString();
  const made = new Map<PlacementCause, EventMetadata>();
  return (instance) => {
    const cause = causeOf(instance);
    let metadata = made.get(cause);
    if (!metadata) made.set(cause, (metadata = { ...cause, actor: 'placement', occurredAt }));
    return metadata;
  };
}
