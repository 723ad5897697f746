import type { HostFilter } from './host-filter';

/** With a budget, the service's cost per hour including this instance on this host must stay within it. */
export const budgetFilter: HostFilter = {
  name: 'budget',
  byClass: false,
  reject: (host, context) => {
    const max = context.request.maxCostPerHour;
    if (max === undefined) return undefined;
    const current =
      context.state.serviceCostPerHour(context.request.service) - (context.own?.costPerHour ?? 0);
    return current + context.costOn(host) <= max + 1e-9 ? undefined : 'budget';
  },
};
