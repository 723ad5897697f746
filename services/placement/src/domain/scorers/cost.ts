import type { HostScorer } from './host-scorer';

/**
 * Cheaper is better: the cheapest candidate's cost per hour for this application divided by this
 * host's (host rates × resources × operating-cost factor, see cost-model.ts). Weight 1.
 */
export const costScorer: HostScorer = {
  name: 'cost',
  weight: 1,
  appliesTo: () => true,
  score: (candidates, context) => {
    const costs = candidates.map((host) => context.costOn(host));
    const cheapest = Math.min(...costs);
    return costs.map((cost) => (cost <= 0 ? 1 : cheapest / cost));
  },
};
