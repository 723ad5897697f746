import type { HostFilter } from './host-filter';

/** A non-relocatable instance that already has a host may only be placed on that host again. */
export const relocationBanFilter: HostFilter = {
  name: 'relocation-ban',
  byClass: false,
  reject: (host, context) => {
    const own = context.own;
    if (!own || own.relocatable) return undefined;
    return own.host === host.id ? undefined : 'relocation-ban';
  },
};
