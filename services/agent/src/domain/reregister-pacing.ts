import { backoffCeilingMs, type BackoffPolicy } from '@federa/runtime/backoff';
import type { ReregisterReason } from '@federa/contracts';

/** Waits before answering stale-epoch notices that follow this agent's own registrations closely. */
export const duplicateKeyBackoff: BackoffPolicy = { baseMs: 1000, maxMs: 60_000 };

/**
 * How long an agent waits before registering again when inventory asks. A host back from down
 * registers at once; so does an agent fenced once. An epoch that turns stale again and again soon
 * after this agent registered means another agent registers with the same host key (a copied data
 * dir, a cloned machine): the two would take the epoch from each other every heartbeat, so the
 * waits grow (1 s, 2 s, … 60 s) while it lasts, and the agent says why.
 */
export class ReregisterPacing {
  private registeredAt = Number.NEGATIVE_INFINITY;
  private repeats = 0;

  constructor(
    /** A stale epoch within this long of the last registration counts as a repeat. */
    private readonly windowMs = 60_000,
    private readonly policy: BackoffPolicy = duplicateKeyBackoff,
  ) {}

  /** This agent just got an epoch. */
  registered(now: number): void {
    this.registeredAt = now;
  }

  /** The wait before registering again, in ms (0: at once). */
  delayFor(reason: ReregisterReason, now: number): number {
    if (reason === 'host-down' || now - this.registeredAt > this.windowMs) {
      this.repeats = 0;
      return 0;
    }
    return backoffCeilingMs(this.repeats++, this.policy);
  }
}
