import type { Allocation } from './allocation';
import type { ClusterState } from './cluster-state';
import { costPerHour, type CostModel } from './cost-model';
import type { HostEntry } from './host-entry';
import { appKey, type PlacementRequest } from './placement-request';

/** What filters and scorers share while one request is being decided. */
export class DecisionContext {
  readonly key: string;
  /** The instance's current claim, when it is being placed again (reschedule, relocation ban). */
  readonly own: Allocation | undefined;
  private readonly costs = new Map<string, number>();

  constructor(
    readonly request: PlacementRequest,
    readonly state: ClusterState,
    readonly costModel: CostModel,
  ) {
    this.key = appKey(request.service, request.app);
    this.own = state.allocation(request.instance);
  }

  /** Is `host` the one the instance already occupies? Its own claim then does not count against it. */
  isOwnHost(host: HostEntry): boolean {
    return this.own !== undefined && this.own.host === host.id;
  }

  /** The request's cost per hour on `host`, computed once per decision. */
  costOn(host: HostEntry): number {
    let cost = this.costs.get(host.id);
    if (cost === undefined) {
      cost = costPerHour(this.request.resources, host, this.costModel);
      this.costs.set(host.id, cost);
    }
    return cost;
  }
}
