/** How heartbeats become liveness; every field is configurable (see inventory-config.ts). */
export interface LivenessPolicy {
  /** The agents' heartbeat interval. @default 1000 */
  heartbeatMs: number;
  /** A host is suspect after this many heartbeat intervals without one. @default 2 */
  suspectAfterMissed: number;
  /**
   * A host is a candidate for down this long after its last heartbeat. @default 2500 (2.5 heartbeats:
   * a host killed just after it beat is declared down within 3 s, tick and append included)
   */
  downAfterMs: number;
  /** A lease renewed within this long counts as the host being alive. @default 2000 */
  leaseTtlMs: number;
  /** Hosts of one site declared down in any minute, at most. @default 10 */
  maxDownPerSitePerMinute: number;
  /** Resolution of the deadline wheel, and so of the liveness loop. @default 100 */
  tickMs: number;
}

/** Heartbeat intervals of silence before a host is a candidate for down, when not configured. */
export const defaultDownAfterHeartbeats = 2.5;

export const defaultLivenessPolicy: Readonly<LivenessPolicy> = Object.freeze({
  heartbeatMs: 1000,
  suspectAfterMissed: 2,
  downAfterMs: defaultDownAfterHeartbeats * 1000,
  leaseTtlMs: 2000,
  maxDownPerSitePerMinute: 10,
  tickMs: 100,
});

export function suspectAfterMs(policy: LivenessPolicy): number {
  return policy.heartbeatMs * policy.suspectAfterMissed;
}
