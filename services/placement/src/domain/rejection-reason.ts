import type { PlacementRequest } from './placement-request';

/** Why a host was rejected, one code per hard rule (and per resource for capacity). */
export const rejectionReasons = [
  'layer',
  'not-ready',
  'cordoned',
  'draining',
  'capacity:cpu',
  'capacity:memory',
  'capacity:storage',
  'capacity:bandwidth',
  'security-level',
  'site',
  'anti-affinity',
  'relocation-ban',
  'budget',
] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

/** "3 hosts lacked storage": the phrase after the count, in the request's terms. */
export function describeRejection(
  reason: RejectionReason,
  count: number,
  request: PlacementRequest,
): string {
  const hosts = count === 1 ? '1 host' : `${count} hosts`;
  const were = count === 1 ? 'was' : 'were';
  const had = 'had';
  switch (reason) {
    case 'layer':
      return `${hosts} lacked the ${request.layer} layer`;
    case 'not-ready':
      return `${hosts} ${were} not ready`;
    case 'cordoned':
      return `${hosts} ${were} cordoned`;
    case 'draining':
      return `${hosts} ${were} draining`;
    case 'capacity:cpu':
    case 'capacity:memory':
    case 'capacity:storage':
    case 'capacity:bandwidth':
      return `${hosts} lacked ${reason.slice('capacity:'.length)}`;
    case 'security-level':
      return `${hosts} ${were} below security level ${request.minSecurityLevel ?? 0}`;
    case 'site':
      return `${hosts} ${were} outside the allowed sites (${(request.sites ?? []).join(', ')})`;
    case 'anti-affinity':
      return `${hosts} already ${had} an instance it must not share a host with`;
    case 'relocation-ban':
      return `${hosts} ${were} not the host of this non-relocatable instance`;
    case 'budget':
      return `${hosts} would take the service over its budget of ${request.maxCostPerHour}/h`;
  }
}
