import type { HostFilter } from './host-filter';

/**
 * No two instances that a rule keeps apart share a host, whichever service declared the rule:
 * the host must hold none of the applications this instance excludes, and none of its instances
 * may exclude this one's application.
 */
export const antiAffinityFilter: HostFilter = {
  name: 'anti-affinity',
  byClass: false,
  reject: (host, context) => {
    const { state, request, key } = context;
    const ownHere = context.isOwnHost(host);
    const selfExcludes = ownHere && context.own ? context.own.excludes : undefined;
    let excludedHere = state.exclusionsOn(host, key);
    if (selfExcludes?.includes(key)) excludedHere -= 1;
    if (excludedHere > 0) return 'anti-affinity';
    for (const other of request.antiAffinity) {
      const present = state.appCountOn(host, other) - (ownHere && other === key ? 1 : 0);
      if (present > 0) return 'anti-affinity';
    }
    return undefined;
  },
};
