import { streamIds, type EventMetadata } from '@federa/contracts';
import {
  StreamsVersionConflict,
  type AppendManyResult,
  type EventStore,
  type ExpectedVersion,
  type PreparedAppendMany,
  type StreamAppend,
} from '@federa/eventstore';
import { isInstanceEvent } from '@federa/instance-lifecycle';
import { foldClusterEvent, type ClusterModel } from '../domain/cluster-fold';
import type { InstanceLives } from '../domain/instance-lives';
import { answerOf, isDropped, type PlacementAnswer } from '../domain/placement-answer';
import type { PlacementPlanner } from '../domain/placement-planner';
import type { PlacementRecords } from '../domain/placement-records';
import type { PlacementRequest } from '../domain/placement-request';
import type { PlannedInstance, RoundPlan } from '../domain/round-plan';

const allocationPrefix = streamIds.allocation('');
const instancePrefix = streamIds.instance('');

/** The log as placement needs it: with the atomic multi-stream append. */
export type PlacementStore = EventStore & Required<Pick<EventStore, 'appendMany'>>;

export interface RoundCommitterOptions {
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

/** A round planned, waiting for its commit. */
interface Round {
  /** The committer's clock when it was planned: undos after that make some of it stale. */
  decidedAt: number;
  plan: RoundPlan;
  /** Its statement, checked and printed while the round before it was committing. */
  ahead?: PrintedRound;
}

/** A round's streams in the order appended (its hosts' ledgers, then its instances), without versions. */
interface RoundStreams {
  hosts: string[];
  appends: Omit<StreamAppend, 'expected'>[];
}

interface PrintedRound {
  streams: RoundStreams;
  prepared: PreparedAppendMany;
}

/** The streams an appendMany found elsewhere than expected: hosts' ledgers and instances. */
interface Conflicts {
  hosts: Set<string>;
  instances: Set<string>;
}

/**
 * Applies the planner's rounds to the log (the plan applier of Nomad's plan and apply). A round is one
 * appendMany: every host's reservations at its ledger's version, and each instance's InstancePlaced or
 * PlacementFailed at the version of its stream the plan was decided at, all or nothing.
 *
 * A ledger conflict means another replica allocated on that host: the placements on it are undone,
 * its ledger re-read, and those requests decided again in a later round, so no host is ever
 * over-committed. An instance conflict means another writer appended to the instance (a stop, say):
 * its stream is re-read and the decision asked again of the instance decider; refused, the placement
 * is dropped and its reservation released; accepted, it is appended at the new version with the rest.
 */
export class RoundCommitter {
  private readonly maxAttempts: number;
  private readonly roundSize: number;
  private readonly overlapRounds: boolean;
  /** Ticks at each round planned and each undo, to tell which rounds an undo made stale. */
  private clock = 0;
  private lastUndo = 0;
  private readonly undoneAt = new Map<string, number>();

  constructor(
    private readonly store: PlacementStore,
    private readonly planner: PlacementPlanner,
    private readonly model: ClusterModel,
    private readonly lives: InstanceLives,
    private readonly records: PlacementRecords,
    options: RoundCommitterOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 20;
    this.roundSize = options.roundSize ?? 1000;
    this.overlapRounds = options.overlapRounds ?? true;
  }

  /**
   * Plans the requests in rounds of `roundSize` and commits each round; answers one per request, in
   * order. With `overlapRounds`, the next round is planned while the last one is being committed. When
   * hosts conflict, only the placements on them are undone, their ledgers re-read and those requests
   * decided again in a later round; a round planned before such an undo also redoes its placements on
   * those hosts, and its failures (an undo may have freed a host for them).
   */
  async place(
    requests: readonly PlacementRequest[],
    metadataOf: (instance: string) => EventMetadata,
  ): Promise<PlacementAnswer[]> {
    const final = new Map<string, PlacementAnswer>();
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
      const next = batch ? this.planRound(batch, final) : undefined;
      // Check and print its statement while Postgres commits the last round: only its expected
      // versions wait for that commit, and Postgres need not wait for the printing after it.
      if (next && committing) next.ahead = this.printAhead(next.plan, metadataOf);
      if (committing) {
        try {
          redo.push(...(await committing));
        } catch (error) {
          if (next) this.planner.undo(next.plan, () => true, this.model.state);
          throw error;
        }
      }
      committing = next && this.commitRound(next, metadataOf, final);
      // Awaited on the next turn; a commit failing before then must not count as unhandled meanwhile.
      committing?.catch(() => undefined);
      if (!committing && fresh.length === 0 && redo.length === 0) break;
      // Planning the next round holds the thread: let the pool hand this round's statement to the
      // socket first, so that Postgres runs it meanwhile rather than after.
      if (committing && this.overlapRounds) await new Promise((r) => setImmediate(r));
    }
    return requests.map((r) => final.get(r.instance)!);
  }

  private planRound(
    requests: readonly PlacementRequest[],
    final: Map<string, PlacementAnswer>,
  ): Round {
    const plan = this.planner.plan(requests, this.model.state, this.lives);
    for (const dropped of plan.dropped) final.set(dropped.request.instance, answerOf(dropped));
    return { decidedAt: ++this.clock, plan };
  }

  /**
   * Commits a round, setting aside what an undo made stale and, on conflicts, the placements on the
   * conflicting hosts; answers the requests to decide again.
   */
  private async commitRound(
    round: Round,
    metadataOf: (instance: string) => EventMetadata,
    final: Map<string, PlacementAnswer>,
  ): Promise<PlacementRequest[]> {
    const redo: PlacementRequest[] = [];
    let ahead = round.ahead;
    const setAside = (hosts: (host: string) => boolean) => {
      const undone = this.planner.undo(
        round.plan,
        ({ decision }) => decision.outcome === 'failed' || hosts(decision.allocation.host),
        this.model.state,
      );
      redo.push(...undone.map((p) => p.decision.request));
      if (undone.length > 0) ahead = undefined;
    };
    if (this.lastUndo > round.decidedAt) {
      setAside((host) => (this.undoneAt.get(host) ?? 0) > round.decidedAt);
    }
    try {
      for (let attempt = 1; round.plan.instances.length > 0; attempt++) {
        if (attempt > this.maxAttempts) {
          throw new Error(
            `placement gave up after ${this.maxAttempts} conflicting appends of one round`,
          );
        }
        const conflicts = await this.append(round.plan, metadataOf, final, ahead);
        // A round changed by what follows is printed again.
        ahead = undefined;
        if (!conflicts) break;
        if (conflicts.hosts.size > 0) {
          setAside((host) => conflicts.hosts.has(host));
          this.markUndone(conflicts.hosts);
          await this.refoldLedgers([...conflicts.hosts]);
          // A round planned while the ledgers were being re-read saw them half-folded: stale as well.
          this.markUndone(conflicts.hosts);
        }
        if (conflicts.instances.size > 0)
          await this.redecide(round.plan, conflicts.instances, final);
      }
    } catch (error) {
      // Nothing of what is left was appended: its reservations go, or the hosts would look fuller
      // than their ledgers until a restart.
      this.planner.undo(round.plan, () => true, this.model.state);
      throw error;
    }
    return redo;
  }

  /**
   * Appends the plan in one appendMany (or its statement printed ahead), each ledger at its version
   * now and each instance at the version it was decided at, and records what was committed; answers
   * the streams that were elsewhere (then nothing was appended), or undefined.
   */
  private async append(
    plan: RoundPlan,
    metadataOf: (instance: string) => EventMetadata,
    final: Map<string, PlacementAnswer>,
    ahead: PrintedRound | undefined,
  ): Promise<Conflicts | undefined> {
    const { state } = this.model;
    const { hosts, appends } = ahead?.streams ?? streamsOf(plan, metadataOf);
    const expected: ExpectedVersion[] = [
      ...hosts.map((host) => state.host(host)!.allocationVersion ?? 0),
      ...plan.instances.map((p) => p.expected),
    ].map((version) => (version === 0 ? 'no-stream' : version));
    let result: AppendManyResult;
    try {
      result = ahead
        ? await this.store.appendManyPrepared!(ahead.prepared, expected)
        : await this.store.appendMany(appends.map((a, i) => ({ ...a, expected: expected[i] })));
    } catch (error) {
      const conflicts = error instanceof StreamsVersionConflict ? conflictsOf(error) : undefined;
      if (!conflicts) {
        this.planner.undo(plan, () => true, state);
        throw error;
      }
      return conflicts;
    }
    hosts.forEach((host, i) => {
      const entry = state.host(host)!;
      const { nextExpectedVersion, lastPosition } = result.streams[i];
      if ((entry.allocationVersion ?? 0) < nextExpectedVersion)
        entry.allocationVersion = nextExpectedVersion;
      for (const reservation of plan.ledgers.get(host)!) {
        const claim = state.allocation(reservation.instance);
        if (claim) claim.placedAt = lastPosition;
      }
    });
    plan.instances.forEach(({ event, decision }, i) => {
      const instance = decision.request.instance;
      const { nextExpectedVersion, lastPosition } = result.streams[hosts.length + i];
      this.lives.fold(instance, event, nextExpectedVersion);
      this.records.fold({ ...event, position: lastPosition });
      final.set(instance, answerOf(decision));
    });
    plan.instances = [];
    return undefined;
  }

  /**
   * Re-reads the instances' streams and asks the round's decisions about them again: those refused (or
   * already recorded) are dropped and their placements undone; the rest stay in the round at their
   * streams' new versions. Instances set aside meanwhile are re-read too, for their next round.
   */
  private async redecide(
    plan: RoundPlan,
    instances: Set<string>,
    final: Map<string, PlacementAnswer>,
  ): Promise<void> {
    await this.refoldInstances([...instances]);
    const dropped = new Set<string>();
    plan.instances = plan.instances.map((planned) => {
      const instance = planned.decision.request.instance;
      if (!instances.has(instance)) return planned;
      const again = this.planner.redecide(planned, this.lives.of(instance));
      if (!isDropped(again)) return again;
      dropped.add(instance);
      final.set(instance, answerOf(again));
      return planned;
    });
    const undone = this.planner.undo(
      plan,
      (p) => dropped.has(p.decision.request.instance),
      this.model.state,
    );
    // Rounds planned since counted these reservations in their hosts' running totals.
    this.markUndone(new Set(undone.flatMap(hostOf)));
  }

  /**
   * The plan's statement checked and printed now, when the store can send it later; undefined
   * otherwise, or when the store refuses it (appendMany then says why, with the round undone).
   */
  private printAhead(
    plan: RoundPlan,
    metadataOf: (instance: string) => EventMetadata,
  ): PrintedRound | undefined {
    if (!this.store.prepareAppendMany || !this.store.appendManyPrepared) return undefined;
    if (plan.instances.length === 0) return undefined;
    const streams = streamsOf(plan, metadataOf);
    try {
      return { streams, prepared: this.store.prepareAppendMany(streams.appends) };
    } catch {
      return undefined;
    }
  }

  /** Makes every round planned until now redo its placements on these hosts when it commits. */
  private markUndone(hosts: Set<string>): void {
    if (hosts.size === 0) return;
    this.lastUndo = ++this.clock;
    for (const host of hosts) this.undoneAt.set(host, this.lastUndo);
  }

  /** Folds what other writers appended to these hosts' ledgers since placement last saw them. */
  private async refoldLedgers(hosts: string[]): Promise<void> {
    const missed = await Promise.all(
      hosts.map((host) =>
        this.store.readStream(streamIds.allocation(host), {
          fromVersion: (this.model.state.host(host)?.allocationVersion ?? 0) + 1,
        }),
      ),
    );
    for (const { events } of missed)
      for (const event of events) foldClusterEvent(this.model, event);
  }

  /**
   * Folds what other writers appended to these instances' streams into their lives only: the cluster
   * model and the records learn them from the log, in log order.
   */
  private async refoldInstances(instances: string[]): Promise<void> {
    const missed = await Promise.all(
      instances.map((instance) =>
        this.store.readStream(streamIds.instance(instance), {
          fromVersion: this.lives.of(instance).version + 1,
        }),
      ),
    );
    instances.forEach((instance, i) => {
      for (const event of missed[i].events) {
        if (isInstanceEvent(event)) this.lives.fold(instance, event, event.streamVersion);
      }
    });
  }
}

/** The plan's streams and events, in the order appended: each host's reservations, then each instance's event. */
function streamsOf(plan: RoundPlan, metadataOf: (instance: string) => EventMetadata): RoundStreams {
  const hosts = [...plan.ledgers.keys()];
  const appends: RoundStreams['appends'] = hosts.map((host) => ({
    streamId: streamIds.allocation(host),
    events: plan.ledgers.get(host)!.map((data) => ({
      type: 'HostAllocationChanged',
      data,
      metadata: metadataOf(data.instance),
    })),
  }));
  for (const { event, decision } of plan.instances) {
    const instance = decision.request.instance;
    appends.push({
      streamId: streamIds.instance(instance),
      events: [{ type: event.type, data: event.data, metadata: metadataOf(instance) }],
    });
  }
  return { hosts, appends };
}

/** The conflicting ledgers and instance streams, or undefined when another kind of stream conflicted. */
function conflictsOf(error: StreamsVersionConflict): Conflicts | undefined {
  const conflicts: Conflicts = { hosts: new Set(), instances: new Set() };
  for (const id of error.streamIds) {
    if (id.startsWith(allocationPrefix)) conflicts.hosts.add(id.slice(allocationPrefix.length));
    else if (id.startsWith(instancePrefix))
      conflicts.instances.add(id.slice(instancePrefix.length));
    else return undefined;
  }
  return conflicts.hosts.size + conflicts.instances.size > 0 ? conflicts : undefined;
}

function hostOf({ decision }: PlannedInstance): string[] {
  return decision.outcome === 'placed' ? [decision.allocation.host] : [];
}
