import type { HostEntry } from '../host-entry';
import type { Resources } from '../resources';
import type { HostScorer } from './host-scorer';

/** binpack fills busy hosts first (fewer hosts in use); spread evens the load over hosts. */
export type PackingPolicy = 'binpack' | 'spread';

/**
 * Scores the cpu and memory utilisation a host would have after placement: high for binpack, low for
 * spread. Weight 0.5.
 */
export function packingScorer(policy: PackingPolicy): HostScorer {
  return {
    name: policy,
    weight: 0.5,
    appliesTo: () => true,
    score: (candidates, context) =>
      candidates.map((host) => {
        const own = context.isOwnHost(host) ? context.own?.resources : undefined;
        const used = utilisationAfter(host, context.request.resources, own);
        return policy === 'binpack' ? used : 1 - used;
      }),
  };
}

function utilisationAfter(host: HostEntry, wanted: Resources, own: Resources | undefined): number {
  const share = (kind: 'cpu' | 'memory'): number => {
    const capacity = host.capacity[kind];
    if (capacity <= 0) return 1;
    const used = host.allocated[kind] - (own ? own[kind] : 0) + wanted[kind];
    return Math.min(1, Math.max(0, used / capacity));
  };
  return (share('cpu') + share('memory')) / 2;
}
