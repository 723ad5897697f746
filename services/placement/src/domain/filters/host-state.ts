import type { HostFilter } from './host-filter';

/** Only ready hosts that are neither cordoned nor draining take new instances. */
export const hostStateFilter: HostFilter = {
  name: 'host-state',
  byClass: true,
  reject: (host) => {
    if (host.state === 'draining') return 'draining';
    if (host.state !== 'ready') return 'not-ready';
    if (host.cordoned) return 'cordoned';
    return undefined;
  },
};
