import type { HostFilter } from './host-filter';

/**
 * The host's free cpu, memory, storage and bandwidth must hold the request; the first lacking one is
 * named. (Written out per resource: this runs for every visited host.)
 */
export const freeResourcesFilter: HostFilter = {
  name: 'free-resources',
  byClass: false,
  reject: (host, context) => {
    const wanted = context.request.resources;
    const { capacity, allocated } = host;
    const own = context.isOwnHost(host) ? context.own?.resources : undefined;
    if (wanted.cpu > capacity.cpu - allocated.cpu + (own?.cpu ?? 0)) return 'capacity:cpu';
    if (wanted.memory > capacity.memory - allocated.memory + (own?.memory ?? 0))
      return 'capacity:memory';
    if (wanted.storage > capacity.storage - allocated.storage + (own?.storage ?? 0))
      return 'capacity:storage';
    if (wanted.bandwidth > capacity.bandwidth - allocated.bandwidth + (own?.bandwidth ?? 0))
      return 'capacity:bandwidth';
    return undefined;
  },
};
