import { defaultCostModel, type CostModel } from '@federa/contracts';
import { ownerKey, type CostGroupingKind, type InstanceOwner } from './cost-grouping';
import { hostAt, hostSpans, type CostedHost } from './host-rates';
import { standingShares, type HostStay } from './standing-cost';
import { usageCost, type ChargedUsage } from './usage-cost';

/** Usage of one group on one host over the window (rates are per host, so rows keep the host). */
export interface GroupUsage {
  /** The group's key under the grouping asked for (ignored for host and site: the host decides). */
  key: string;
  host: string;
  usage: ChargedUsage;
  /**
   * When the usage was (epoch ms; default: the window's start): it is priced at the host's term
   * holding then, so rows never straddle a change of rates.
   */
  at?: number;
}

export interface CostLine {
  key: string;
  usageCost: number;
  standingCost: number;
  cost: number;
}

export interface CostBreakdown {
  lines: CostLine[];
  total: number;
  /** Standing cost of hosts while nothing stood on them: in host and site lines, in no other. */
  unattributed: number;
}

export interface CostInputs {
  groupBy: CostGroupingKind;
  from: number;
  to: number;
  usage: readonly GroupUsage[];
  /** Every host that stood in the fleet during the window: each is charged its standing cost. */
  hosts: ReadonlyMap<string, CostedHost>;
  /** Every stay on a host overlapping the window, with whom the instance belongs to. */
  stays: readonly (HostStay & InstanceOwner & { host: string })[];
  /** @default defaultCostModel (placement's) */
  model?: CostModel;
}

/**
 * Cost per group over [from, to): usage at the rates of the host it ran on (times its operating factor), plus
 * standing cost — whole to its host and site, and for other groupings spread over the instances on
 * the host by reservation weight. Usage on a host the catalogue does not know costs nothing and is
 * left out rather than guessed.
 */
export function costBreakdown(inputs: CostInputs): CostBreakdown {
  const model = inputs.model ?? defaultCostModel;
  const byHost = inputs.groupBy === 'host' || inputs.groupBy === 'site';
  const lines = new Map<string, CostLine>();
  const line = (key: string): CostLine => {
    let l = lines.get(key);
    if (!l) lines.set(key, (l = { key, usageCost: 0, standingCost: 0, cost: 0 }));
    return l;
  };
  const hostKey = (host: CostedHost): string => (inputs.groupBy === 'site' ? host.site : host.id);

  for (const row of inputs.usage) {
    const known = inputs.hosts.get(row.host);
    if (!known) continue;
    const host = hostAt(known, row.at ?? inputs.from);
    line(byHost ? hostKey(host) : row.key).usageCost += usageCost(row.usage, host, model);
  }

  const staysByHost = new Map<string, (HostStay & InstanceOwner)[]>();
  for (const stay of inputs.stays) {
    const list = staysByHost.get(stay.host) ?? [];
    list.push(stay);
    staysByHost.set(stay.host, list);
  }
  let unattributed = 0;
  for (const span of [...inputs.hosts.values()].flatMap((h) =>
    hostSpans(h, inputs.from, inputs.to),
  )) {
    const host = span.host;
    const stays = staysByHost.get(host.id) ?? [];
    const shares = standingShares(host, stays, span.from, span.to, model);
    if (shares.total === 0) continue;
    const groupBy = inputs.groupBy;
    if (groupBy === 'host' || groupBy === 'site') {
      line(hostKey(host)).standingCost += shares.total;
      continue;
    }
    unattributed += shares.idle;
    const owners = new Map(stays.map((s) => [s.instance, s]));
    for (const [instance, share] of shares.byInstance) {
      line(ownerKey(owners.get(instance)!, groupBy)).standingCost += share;
    }
  }

  const sorted = [...lines.values()]
    .map((l) => ({ ...l, cost: l.usageCost + l.standingCost }))
    .sort((a, b) => b.cost - a.cost || a.key.localeCompare(b.key));
  const total = sorted.reduce((sum, l) => sum + l.cost, 0) + unattributed;
  return { lines: sorted, total, unattributed };
}
