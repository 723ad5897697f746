/** How heartbeats become liveness; every field is configurable (see inventory-config.ts). */
export interface LivenessPolicy {
  /** The agents' heartbeat interval. @default 1000 */
  heartbeatMs: number;
  /** A host is suspect after this many heartbeat intervals without one. @default 2 */
  suspectAfterMissed: number;
  /** A host is a candidate for down this long after its last heartbeat. @default 3000 */
  downAfterMs: number;
  /** A lease renewed within this long counts as the host being alive. @default 3000 */
  leaseTtlMs: number;
  /** Hosts of one site declared down in any minute, at most. @default 10 */
  maxDownPerSitePerMinute: number;
  /** Resolution of the deadline wheel, and so of the liveness loop. @default 250 */
  tickMs: number;
}

export const defaultLivenessPolicy: Readonly<LivenessPolicy> = Object.freeze({
  heartbeatMs: 1000,
  suspectAfterMissed: 2,
  downAfterMs: 3000,
  leaseTtlMs: 2000,
  maxDownPerSitePerMinute: 10,
  tickMs: 250,
});

export function suspectAfterMs(policy: LivenessPolicy): number {
  return policy.heartbeatMs * policy.suspectAfterMissed;
}
