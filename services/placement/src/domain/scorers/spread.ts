import type { HostEntry } from '../host-entry';
import type { DecisionContext } from '../decision-context';
import type { HostScorer } from './host-scorer';

/**
 * For `spread` rules (over site or host): favours the candidates whose site (or host) holds the
 * fewest instances of the rule's applications, read from the per-site and per-host counters, so its
 * cost does not grow with the number of instances. The least-loaded candidate scores 1, the most
 * loaded 0. Weight 1.5, so that spreading outweighs price.
 */
export const spreadScorer: HostScorer = {
  name: 'spread',
  weight: 1.5,
  appliesTo: (context) => context.request.spread.some((rule) => rule.apps.includes(context.key)),
  score: (candidates, context) => {
    const loads = candidates.map((host) => loadOf(host, context));
    const least = Math.min(...loads);
    const most = Math.max(...loads);
    return loads.map((load) => (most === least ? 1 : (most - load) / (most - least)));
  },
};

function loadOf(host: HostEntry, context: DecisionContext): number {
  let load = 0;
  for (const rule of context.request.spread) {
    if (!rule.apps.includes(context.key)) continue;
    for (const app of rule.apps) {
      load +=
        rule.over === 'site'
          ? context.state.appCountOnSite(host.site, app)
          : context.state.appCountOn(host, app) -
            (context.isOwnHost(host) && app === context.key ? 1 : 0);
    }
  }
  return load;
}
