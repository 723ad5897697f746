/** A host's cost rates (host.yaml `costs`); `standingPerHour` is 0 for hosts registered before it existed. */
export interface HostRates {
  cpuHour: number;
  memoryGiBHour: number;
  storageGiBMonth: number;
  networkGiB: number;
  standingPerHour: number;
}

/** What cost needs to know of a host: its site, rates, protections and when it stood in the fleet. */
export interface CostedHost {
  id: string;
  site: string;
  rates: HostRates;
  ups: boolean;
  raid: boolean;
  /** First registration, epoch ms; undefined: it stood before any window asked about. */
  since?: number;
  /** Retirement, epoch ms; undefined while it is in the fleet. */
  retiredAt?: number;
  /**
   * Site, rates and protections over time, oldest first (each until the next starts); absent or
   * empty: the ones above held all along. Before the first term, the first holds.
   */
  terms?: readonly PricedTerm[];
}

/** A host's site, rates and protections from `from` (epoch ms). */
export interface PricedTerm {
  from: number;
  site: string;
  rates: HostRates;
  ups: boolean;
  raid: boolean;
}

const termAt = (terms: readonly PricedTerm[], at: number): PricedTerm =>
  terms.reduce((held, t) => (t.from <= at ? t : held), terms[0]);

/** The host as priced at `at` (epoch ms): the site, rates and protections of the term holding then. */
export function hostAt(host: CostedHost, at: number): CostedHost {
  if (!host.terms?.length) return host;
  const { site, rates, ups, raid } = termAt(host.terms, at);
  return { ...host, site, rates, ups, raid };
}

/** The instants in (from, to) at which one of the hosts' terms ends and another starts. */
export function termChanges(hosts: Iterable<CostedHost>, from: number, to: number): number[] {
  const changes = new Set<number>();
  for (const host of hosts)
    for (const t of (host.terms ?? []).slice(1))
      if (t.from > from && t.from < to) changes.add(t.from);
  return [...changes].sort((a, b) => a - b);
}

/** [from, to) cut where the host's terms change, each part with the host as priced over it. */
export function hostSpans(
  host: CostedHost,
  from: number,
  to: number,
): { host: CostedHost; from: number; to: number }[] {
  const edges = [from, ...termChanges([host], from, to), to];
  return edges
    .slice(1)
    .map((end, i) => ({ host: hostAt(host, edges[i]), from: edges[i], to: end }));
}

/** Rates as events and the catalogue carry them: `standingPerHour` may be absent on older hosts. */
export function toHostRates(
  costs: Omit<HostRates, 'standingPerHour'> & { standingPerHour?: number },
): HostRates {
  return { ...costs, standingPerHour: costs.standingPerHour ?? 0 };
}
