import type { HostScorer } from './host-scorer';

/**
 * Favours headroom in the resource the application emphasises (storage for a database, bandwidth
 * for a front end): the share of that resource still free after placing it. Weight 0.75.
 */
export const emphasisScorer: HostScorer = {
  name: 'emphasis',
  weight: 0.75,
  appliesTo: (context) => context.request.emphasis !== undefined,
  score: (candidates, context) => {
    const kind = context.request.emphasis ?? 'cpu';
    const wanted = context.request.resources[kind];
    return candidates.map((host) => {
      const capacity = host.capacity[kind];
      if (capacity <= 0) return 0;
      const own = context.isOwnHost(host) ? (context.own?.resources[kind] ?? 0) : 0;
      return clamp01((capacity - host.allocated[kind] + own - wanted) / capacity);
    });
  },
};

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
