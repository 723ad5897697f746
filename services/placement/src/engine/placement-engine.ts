import {
  streamIds,
  type DrainPlan,
  type EventMetadata,
  type RecommendationList,
  type RecordedEvent,
} from '@federa/contracts';
import { isInstanceEvent } from '@federa/instance-lifecycle';
import { foldClusterEvent, type ClusterModel } from '../domain/cluster-fold';
import { ClusterState } from '../domain/cluster-state';
import { findCheaperPlacements } from '../domain/cheaper-placements';
import { planDrain, type DrainPlanQuery } from '../domain/drain-plan';
import { InstanceLives } from '../domain/instance-lives';
import type { PlacementAnswer } from '../domain/placement-answer';
import type { PlacementDecision } from '../domain/placement-decision';
import { dryRun } from '../domain/placement-dry-run';
import { PlacementPlanner } from '../domain/placement-planner';
import type { PlacementRecord } from '../domain/placement-record';
import { PlacementRecords } from '../domain/placement-records';
import type { PlacementRequest } from '../domain/placement-request';
import { PlacementStack } from '../domain/placement-stack';
import { ServiceCatalog } from '../domain/service-catalog';
import { RoundCommitter, type PlacementStore, type RoundCommitterOptions } from './round-committer';
import { SerialQueue } from './serial-queue';

export type { PlacementStore } from './round-committer';

export type PlacementEngineOptions = RoundCommitterOptions;

/**
 * Who asked, copied into the metadata of the events a placement appends: the requesting event's
 * actor and role are carried on (docs/security/audit.md); without an actor, placement is the actor.
 */
export type PlacementCause = Pick<EventMetadata, 'correlationId'> &
  Partial<Pick<EventMetadata, 'causationId' | 'actor' | 'actorRole'>>;

const instancePrefix = streamIds.instance('');

/** The states in which an instance runs on its host, and so in which migration agrees to move it. */
const running: ReadonlySet<string> = new Set(['running', 'healthy', 'unhealthy']);

/**
 * Placement against the event log, one job at a time: folds the log into the cluster model, the
 * instances' lives and the placement records; places requests (the planner decides rounds, the round
 * committer appends them); answers records and dry runs.
 */
export class PlacementEngine {
  readonly model: ClusterModel = { state: new ClusterState(), catalog: new ServiceCatalog() };
  private livesValue = new InstanceLives();
  private records = new PlacementRecords();
  private readonly serial = new SerialQueue();
  private committer: RoundCommitter;
  private folded = 0;

  constructor(
    private readonly store: PlacementStore,
    readonly stack: PlacementStack = new PlacementStack(),
    private readonly options: PlacementEngineOptions = {},
  ) {
    this.committer = this.newCommitter();
  }

  get lives(): InstanceLives {
    return this.livesValue;
  }

  /**
   * Forgets everything folded, after its jobs in progress: the log is to be folded again from its
   * start (a page that failed halfway may have been folded in part, and must not count twice).
   */
  reset(): Promise<void> {
    return this.serial.run(async () => {
      this.model.state = new ClusterState();
      this.model.catalog = new ServiceCatalog();
      this.livesValue = new InstanceLives();
      this.records = new PlacementRecords();
      this.committer = this.newCommitter();
      this.folded = 0;
    });
  }

  private newCommitter(): RoundCommitter {
    return new RoundCommitter(
      this.store,
      new PlacementPlanner(this.stack),
      this.model,
      this.livesValue,
      this.records,
      this.options,
    );
  }

  get state(): ClusterState {
    return this.model.state;
  }

  get catalog(): ServiceCatalog {
    return this.model.catalog;
  }

  /** The highest log position folded (0 before any): how far a caller's view this one has read. */
  get foldedUpTo(): number {
    return this.folded;
  }

  /** Folds logged events (in log order) into the model, the instances' lives and the records. */
  fold(events: readonly RecordedEvent[]): Promise<void> {
    return this.serial.run(async () => {
      for (const event of events) {
        this.folded = Math.max(this.folded, event.position);
        foldClusterEvent(this.model, event);
        this.records.fold(event);
        if (event.streamId.startsWith(instancePrefix) && isInstanceEvent(event)) {
          this.lives.fold(event.streamId.slice(instancePrefix.length), event, event.streamVersion);
        }
      }
    });
  }

  /** The latest decision recorded about an instance. */
  record(instance: string): PlacementRecord | undefined {
    return this.records.of(instance);
  }

  /**
   * Places the pending instances among the requests and commits the result; answers one per request,
   * in order (dropped for an instance not pending, or whose stream refused the decision). `cause` is
   * one for all, or each instance's own.
   */
  place(
    requests: readonly PlacementRequest[],
    cause: PlacementCause | ((instance: string) => PlacementCause),
  ): Promise<PlacementAnswer[]> {
    return this.serial.run(() =>
      this.committer.place(
        requests,
        metadataMaker(typeof cause === 'function' ? cause : () => cause),
      ),
    );
  }

  /**
   * Where the requests would go now, as one batch; changes nothing. With `without`, as if that
   * service's instances were gone: where a fresh deploy of it would go.
   */
  plan(
    requests: readonly PlacementRequest[],
    options: { without?: string } = {},
  ): Promise<PlacementDecision[]> {
    return this.serial.run(async () => dryRun(this.stack, this.state, requests, options));
  }

  /**
   * What a drain of a host would do now (with `with`, a replacement by that host); the planned moves
   * are tried on the state between jobs and taken back, so nothing is appended or reserved.
   */
  planDrain(query: DrainPlanQuery): Promise<DrainPlan> {
    return this.serial.run(async () => planDrain(this.stack, this.model, query));
  }

  /**
   * Cheaper placements that keep every rule, for the running instances (of `service` when given);
   * tried on the state between jobs and taken back, so nothing is appended or reserved.
   */
  recommend(options: { minSavingPerHour: number; service?: string }): Promise<RecommendationList> {
    return this.serial.run(async () => {
      const items = findCheaperPlacements(this.stack, this.model, {
        ...options,
        isRunning: (instance) => running.has(this.lives.of(instance).life.status),
      });
      const saving = items.reduce((total, item) => total + item.savingPerHour, 0);
      return {
        items,
        minSavingPerHour: options.minSavingPerHour,
        savingPerHour: Math.round(saving * 1e6) / 1e6,
      };
    });
  }
}

/** Metadata per instance, one object per distinct cause. */
function metadataMaker(
  causeOf: (instance: string) => PlacementCause,
): (instance: string) => EventMetadata {
  const occurredAt = new Date().toISOString();
  const made = new Map<PlacementCause, EventMetadata>();
  return (instance) => {
    const cause = causeOf(instance);
    let metadata = made.get(cause);
    if (!metadata)
      made.set(
        cause,
        (metadata = {
          ...cause,
          actor: cause.actor ?? 'placement',
          decidedBy: 'placement',
          occurredAt,
        }),
      );
    return metadata;
  };
}
