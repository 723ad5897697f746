import type { HostFilter } from './host-filter';

/** The host's security level must be at least the application's minimum. */
export const securityLevelFilter: HostFilter = {
  name: 'security-level',
  byClass: true,
  reject: (host, { request }) =>
    host.securityLevel >= (request.minSecurityLevel ?? 0) ? undefined : 'security-level',
};
