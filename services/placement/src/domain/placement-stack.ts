import type { ClusterState } from './cluster-state';
import { defaultCostModel, type CostModel } from './cost-model';
import { DecisionContext } from './decision-context';
import { failedSummary, placedSummary, type HostScore } from './explanation';
import { allowedSitesFilter } from './filters/allowed-sites';
import { antiAffinityFilter } from './filters/anti-affinity';
import { budgetFilter } from './filters/budget';
import { freeResourcesFilter } from './filters/free-resources';
import type { HostFilter } from './filters/host-filter';
import { hostStateFilter } from './filters/host-state';
import { layerKindFilter } from './filters/layer-kind';
import { relocationBanFilter } from './filters/relocation-ban';
import { securityLevelFilter } from './filters/security-level';
import type { HostEntry } from './host-entry';
import { HostVisitOrder } from './host-visit-order';
import type { PlacementDecision } from './placement-decision';
import type { PlacementRequest } from './placement-request';
import { rejectionReasons, type RejectionReason } from './rejection-reason';
import { costScorer } from './scorers/cost';
import { emphasisScorer } from './scorers/emphasis';
import type { HostScorer } from './scorers/host-scorer';
import { packingScorer, type PackingPolicy } from './scorers/packing';
import { spreadScorer } from './scorers/spread';

const reasonIndex = new Map<RejectionReason, number>(
  rejectionReasons.map((reason, i) => [reason, i]),
);

export interface PlacementStackOptions {
  /** @default 'binpack' */
  policy?: PackingPolicy;
  /**
   * How many feasible hosts to score before choosing: 'log2' = max(2, ⌈log2 hosts⌉) (power of k
   * choices; spread reads per-site counters, so it needs no more); 'all' scores every feasible host.
   * @default 'log2'
   */
  candidateLimit?: 'log2' | 'all' | number;
  /** @default defaultCostModel */
  costModel?: CostModel;
  /** @default Math.random */
  random?: () => number;
}

/**
 * The placement policy, read top to bottom: hard filters in the order their reasons are reported
 * (a host is counted under the first one it fails), then weighted scorers over the feasible hosts.
 */
export function defaultFilters(): HostFilter[] {
  return [
    relocationBanFilter,
    hostStateFilter,
    layerKindFilter,
    securityLevelFilter,
    allowedSitesFilter,
    freeResourcesFilter,
    antiAffinityFilter,
    budgetFilter,
  ];
}

export function defaultScorers(policy: PackingPolicy): HostScorer[] {
  return [costScorer, emphasisScorer, spreadScorer, packingScorer(policy)];
}

/** Decides where instances go; pure, apart from applying batch placements to the given state. */
export class PlacementStack {
  readonly filters: HostFilter[];
  readonly scorers: HostScorer[];
  /** How host rates become a cost per hour (for what-ifs that price instances where they are). */
  readonly costModel: CostModel;
  private readonly random: () => number;
  private readonly limitOption: 'log2' | 'all' | number;
  /** The filters in order, consecutive class-level ones grouped so that a group is answered once per class. */
  private readonly steps: HostFilter[][];
  private memo = new Int32Array(0);

  constructor(options: PlacementStackOptions = {}) {
    this.filters = defaultFilters();
    this.scorers = defaultScorers(options.policy ?? 'binpack');
    this.costModel = options.costModel ?? defaultCostModel;
    this.random = options.random ?? Math.random;
    this.limitOption = options.candidateLimit ?? 'log2';
    this.steps = [];
    for (const filter of this.filters) {
      const last = this.steps[this.steps.length - 1];
      if (filter.byClass && last?.[0].byClass) last.push(filter);
      else this.steps.push([filter]);
    }
  }

  /** Where `request` would go on `state` now; changes nothing. */
  decide(request: PlacementRequest, state: ClusterState): PlacementDecision {
    const context = new DecisionContext(request, state, this.costModel);
    const hosts = state.hosts;
    const limit = this.candidateLimitFor(hosts.length);
    const order = new HostVisitOrder(hosts.length, this.random);
    const memo = this.classMemoFor(state.classCount);
    const rejectedCounts = new Int32Array(rejectionReasons.length);
    const feasible: HostEntry[] = [];
    let visited = 0;
    while (visited < hosts.length && (limit === null || feasible.length < limit)) {
      const host = hosts[order.at(visited)];
      visited += 1;
      const reason = this.firstRejection(host, context, memo, state.classCount);
      if (reason < 0) feasible.push(host);
      else rejectedCounts[reason] += 1;
    }
    const rejected: Partial<Record<RejectionReason, number>> = {};
    rejectedCounts.forEach((count, i) => {
      if (count > 0) rejected[rejectionReasons[i]] = count;
    });
    const base = {
      hostsTotal: hosts.length,
      hostsVisited: visited,
      feasibleFound: feasible.length,
      candidateLimit: visited < hosts.length ? limit : null,
      rejected,
    };
    if (feasible.length === 0) {
      return {
        outcome: 'failed',
        request,
        explanation: {
          ...base,
          get summary() {
            return failedSummary(request, base);
          },
        },
      };
    }
    const candidates = this.score(feasible, context);
    const chosen = candidates[0];
    return {
      outcome: 'placed',
      request,
      previous: context.own,
      allocation: {
        instance: request.instance,
        service: request.service,
        app: request.app,
        host: chosen.host,
        resources: { ...request.resources },
        costPerHour: chosen.costPerHour,
        excludes: [...request.antiAffinity],
        relocatable: request.relocatable ?? true,
      },
      chosen,
      candidates,
      // Written on demand: most decisions are committed without anyone reading their story.
      explanation: {
        ...base,
        get summary() {
          return placedSummary(request, chosen, base);
        },
      },
    };
  }

  /**
   * Decides requests one after the other, each seeing the ones before it: every placement is
   * applied to `state` as it is made (roll back with `undoBatch` when not committed).
   */
  decideBatch(requests: readonly PlacementRequest[], state: ClusterState): PlacementDecision[] {
    return requests.map((request) => {
      const decision = this.decide(request, state);
      if (decision.outcome === 'placed') state.allocate(decision.allocation);
      return decision;
    });
  }

  /**
   * Where an instance that runs on `exclude` would move, by the same filters and scorers as a
   * placement (its own claim where it runs stays counted); with `to`, only that host. Answers the
   * feasible hosts best first, and each host's first failing filter.
   */
  relocationCandidates(
    request: PlacementRequest,
    state: ClusterState,
    options: { exclude: string; to?: string },
  ): { candidates: HostScore[]; rejected: { host: string; filter: RejectionReason }[] } {
    const context = new DecisionContext(request, state, this.costModel);
    const hosts = options.to
      ? state.hosts.filter((h) => h.id === options.to)
      : state.hosts.filter((h) => h.id !== options.exclude);
    const feasible: HostEntry[] = [];
    const rejected: { host: string; filter: RejectionReason }[] = [];
    for (const host of hosts) {
      const reason = firstOf(this.filters, host, context);
      if (reason === undefined) feasible.push(host);
      else rejected.push({ host: host.id, filter: reason });
    }
    return { candidates: feasible.length > 0 ? this.score(feasible, context) : [], rejected };
  }

  /** Takes a batch's placements back out of `state`, restoring the claims they replaced. */
  undoBatch(decisions: readonly PlacementDecision[], state: ClusterState): void {
    for (const decision of [...decisions].reverse()) {
      if (decision.outcome !== 'placed') continue;
      state.release(decision.allocation.instance);
      if (decision.previous) state.allocate(decision.previous);
    }
  }

  private candidateLimitFor(hostCount: number): number | null {
    if (this.limitOption === 'all') return null;
    if (typeof this.limitOption === 'number') return this.limitOption;
    return Math.max(2, Math.ceil(Math.log2(Math.max(2, hostCount))));
  }

  /**
   * The index (in rejectionReasons) of the first filter that rejects the host, or -1. Class-level
   * groups are answered once per host class per decision: `memo` holds, per group and class,
   * 0 (not yet asked), 1 (passes) or 2 + the reason's index.
   */
  private firstRejection(
    host: HostEntry,
    context: DecisionContext,
    memo: Int32Array,
    classCount: number,
  ): number {
    for (let i = 0; i < this.steps.length; i++) {
      const step = this.steps[i];
      if (step.length === 1 && !step[0].byClass) {
        const reason = step[0].reject(host, context);
        if (reason !== undefined) return reasonIndex.get(reason)!;
        continue;
      }
      const slot = i * classCount + host.classId;
      let known = memo[slot];
      if (known === 0) {
        const reason = firstOf(step, host, context);
        known = reason === undefined ? 1 : 2 + reasonIndex.get(reason)!;
        memo[slot] = known;
      }
      if (known > 1) return known - 2;
    }
    return -1;
  }

  /** A zeroed memo of class-level answers for one decision (reused between decisions). */
  private classMemoFor(classCount: number): Int32Array {
    const size = this.steps.length * Math.max(1, classCount);
    if (this.memo.length < size) this.memo = new Int32Array(size * 2);
    else this.memo.fill(0, 0, size);
    return this.memo;
  }

  private score(feasible: HostEntry[], context: DecisionContext): HostScore[] {
    const applying = this.scorers.filter((scorer) => scorer.appliesTo(context));
    const parts = applying.map((scorer) => scorer.score(feasible, context));
    const weights = applying.reduce((sum, scorer) => sum + scorer.weight, 0);
    const scored = feasible.map((host, i) => {
      const scores: Record<string, number> = {};
      let total = 0;
      applying.forEach((scorer, s) => {
        scores[scorer.name] = round(parts[s][i]);
        total += scorer.weight * parts[s][i];
      });
      return {
        host: host.id,
        total: round(total / weights),
        costPerHour: context.costOn(host),
        scores,
      };
    });
    // A stable sort keeps the random visit order among equal totals.
    return scored.sort((a, b) => b.total - a.total);
  }
}

function firstOf(
  filters: HostFilter[],
  host: HostEntry,
  context: DecisionContext,
): RejectionReason | undefined {
  for (const filter of filters) {
    const reason = filter.reject(host, context);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
