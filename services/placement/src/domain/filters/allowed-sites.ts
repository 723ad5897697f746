import type { HostFilter } from './host-filter';

/** When the application lists sites, the host must be in one of them. */
export const allowedSitesFilter: HostFilter = {
  name: 'allowed-sites',
  byClass: true,
  reject: (host, { request }) =>
    !request.sites || request.sites.length === 0 || request.sites.includes(host.site)
      ? undefined
      : 'site',
};
