import { HOST_KEY_MAX_CLOCK_SKEW_MS } from '@federa/contracts';
import { DeadlineWheel } from './deadline-wheel';
import { DownRateLimiter } from './down-rate-limiter';
import type { DownCause, DownEvidence, Liveness } from './host-events';
import { suspectAfterMs, type LivenessPolicy } from './liveness-policy';

/** Milliseconds since the epoch, from an injected clock. */
export type Clock = () => number;

/** A lease as the second signal showed it: when the agent last renewed it, under which epoch. */
export interface LeaseReading {
  renewedAt: number;
  epoch: number;
}

/** A change the tracker asks its owner to record (or, for `check-down`, to check first). */
export type LivenessChange =
  | {
      kind: 'suspect';
      host: string;
      epoch: number;
      lastHeartbeatAt: number | null;
      silentForMs: number;
    }
  | { kind: 'check-down'; host: string; epoch: number; site: string }
  | { kind: 'recover'; host: string; epoch: number; lastHeartbeatAt: number };

/** What to record once the second signal has been read. */
export type DownVerdict =
  | { kind: 'down'; host: string; epoch: number; cause: DownCause; evidence: DownEvidence }
  | { kind: 'defer'; host: string; epoch: number; retryAt: number; limitPerMinute: number }
  | { kind: 'none' };

export type HeartbeatOutcome =
  | { accepted: true; change?: LivenessChange }
  | {
      accepted: false;
      /**
       * `stale-epoch`: an older epoch than the host's; `host-down`: the host is down under this
       * epoch and comes back only by registering again (a new epoch). Both mean the agent must
       * register again; the others mean nothing to it.
       */
      reason: 'unknown-host' | 'stale-epoch' | 'host-down' | 'stale-message';
    };

/** A host as the log shows it (the hosts read model), for a take-over. */
export interface LoggedHost {
  id: string;
  site: string;
  epoch: number;
  liveness: Liveness;
}

/** What the tracker knows of one host, for the API. */
export interface LivenessView {
  liveness: Liveness;
  epoch: number;
  lastHeartbeatAt: number | null;
  /** Set while the site's down budget holds back this host's HostDown. */
  downDeferredUntil: number | null;
}

interface TrackedHost {
  host: string;
  site: string;
  epoch: number;
  liveness: Liveness;
  lastHeartbeatAt: number | null;
  /** Deadlines count from here: the last heartbeat, or when tracking began. */
  aliveSince: number;
  /** A `check-down` is out and its verdict not yet asked for. */
  checkingDown: boolean;
  downDeferredUntil: number | null;
  /**
   * How far ahead of this clock the agent's runs (negative: behind), as its least delayed heartbeat
   * of this epoch showed it; null before its first. Heartbeats and leases are dated by the agent's
   * clock, which may be minutes off: a message's age is judged on the agent's own clock.
   */
  clockAheadMs: number | null;
}

/**
 * Turns heartbeats into liveness (`ready → suspect → down → ready`) without I/O: a pure state
 * machine over an injected clock. Deadlines sit in a timing wheel, so a tick costs the hosts
 * that are due, not the hosts tracked, and a heartbeat costs a field write.
 */
export class LivenessTracker {
  private readonly hosts = new Map<string, TrackedHost>();
  private readonly wheel: DeadlineWheel<string>;
  private readonly limiter: DownRateLimiter;

  constructor(
    readonly policy: LivenessPolicy,
    private readonly clock: Clock,
  ) {
    this.wheel = new DeadlineWheel(policy.tickMs);
    this.limiter = new DownRateLimiter(policy.maxDownPerSitePerMinute);
  }

  get size(): number {
    return this.hosts.size;
  }

  /**
   * Starts (or restarts, on re-registration) watching a host under `epoch`; its deadlines count
   * from now, since a registration or a restart of inventory is no evidence of a missed heartbeat.
   */
  track(host: string, site: string, epoch: number, liveness: Liveness = 'ready'): void {
    const now = this.clock();
    const known = this.hosts.get(host);
    const entry: TrackedHost = {
      host,
      site,
      epoch,
      liveness,
      lastHeartbeatAt: known?.lastHeartbeatAt ?? null,
      aliveSince: now,
      checkingDown: false,
      downDeferredUntil: null,
      // A new agent run may run on another clock (a reinstalled host, a corrected clock).
      clockAheadMs: null,
    };
    this.hosts.set(host, entry);
    this.scheduleNext(entry);
  }

  /**
   * Starts recording where another replica left off: liveness and epochs become what the log
   * shows, and deadlines count from the last heartbeat this tracker heard of each host, or from
   * now for a host it never heard since it started (its heartbeats may simply not have reached
   * this replica: no evidence of silence). Checks and deferrals of an earlier leadership are
   * dropped, and hosts the log no longer watches are forgotten.
   */
  takeOver(logged: readonly LoggedHost[]): void {
    const now = this.clock();
    const watched = new Set<string>();
    for (const host of logged) {
      watched.add(host.id);
      const known = this.hosts.get(host.id);
      const heard = known?.lastHeartbeatAt ?? null;
      const entry: TrackedHost = {
        host: host.id,
        site: host.site,
        // A heartbeat may have shown an epoch that the read model has not caught up with.
        epoch: Math.max(host.epoch, known?.epoch ?? 0),
        liveness: host.liveness,
        lastHeartbeatAt: heard,
        aliveSince: heard === null ? now : Math.max(heard, known!.aliveSince),
        checkingDown: false,
        downDeferredUntil: null,
        clockAheadMs: known?.clockAheadMs ?? null,
      };
      this.hosts.set(host.id, entry);
      this.scheduleNext(entry);
    }
    for (const host of [...this.hosts.keys()]) {
      if (!watched.has(host)) this.forget(host);
    }
  }

  /** Stops watching a host (it was retired). */
  forget(host: string): void {
    this.hosts.delete(host);
    this.wheel.cancel(host);
  }

  view(host: string): LivenessView | undefined {
    const entry = this.hosts.get(host);
    if (!entry) return undefined;
    return {
      liveness: entry.liveness,
      epoch: entry.epoch,
      lastHeartbeatAt: entry.lastHeartbeatAt,
      downDeferredUntil: entry.downDeferredUntil,
    };
  }

  /**
   * Takes a heartbeat sent at `sentAt` (on the agent's clock) under `epoch`. Ignored when the epoch
   * is stale, when the host is down under this epoch (a host back from down registers again for a
   * new epoch, so that what it did before the fence is told from what it does after) or the
   * message was sent longer ago than a host may stay silent (a burst buffered through a partition
   * proves nothing about now). That age is counted on the agent's clock, against its least delayed
   * heartbeat of the epoch, so that an agent whose clock is minutes off (as a registration may be:
   * HOST_KEY_MAX_CLOCK_SKEW_MS) is not taken for a silent one; a first heartbeat further off than
   * that is refused. Answers a `recover` change when the host was suspect, or down under an older
   * epoch (it registered again through another replica).
   */
  heartbeat(host: string, epoch: number, sentAt: number): HeartbeatOutcome {
    const entry = this.hosts.get(host);
    if (!entry) return { accepted: false, reason: 'unknown-host' };
    if (epoch < entry.epoch) return { accepted: false, reason: 'stale-epoch' };
    const now = this.clock();
    const newRun = epoch > entry.epoch;
    const ahead = sentAt - now;
    const known = newRun ? null : entry.clockAheadMs;
    if (known === null && Math.abs(ahead) > HOST_KEY_MAX_CLOCK_SKEW_MS)
      return { accepted: false, reason: 'stale-message' };
    const clockAheadMs = known === null ? ahead : Math.max(known, ahead);
    // How much later than the host's least delayed heartbeat this one arrived.
    const delayMs = clockAheadMs - ahead;
    if (delayMs > this.policy.downAfterMs) return { accepted: false, reason: 'stale-message' };
    if (epoch === entry.epoch && entry.liveness === 'down') {
      return { accepted: false, reason: 'host-down' };
    }
    // A newer epoch was handed out by another replica or before this tracker learnt of it.
    if (newRun) entry.epoch = epoch;
    entry.clockAheadMs = clockAheadMs;
    // When it was sent, on this clock.
    const aliveAt = now - delayMs;
    if (entry.lastHeartbeatAt === null || aliveAt > entry.lastHeartbeatAt) {
      entry.lastHeartbeatAt = aliveAt;
    }
    if (aliveAt > entry.aliveSince) entry.aliveSince = aliveAt;
    if (entry.liveness === 'ready') {
      if (!this.wheel.has(host)) this.scheduleNext(entry);
      return { accepted: true };
    }
    entry.liveness = 'ready';
    entry.checkingDown = false;
    entry.downDeferredUntil = null;
    this.scheduleNext(entry);
    return {
      accepted: true,
      change: {
        kind: 'recover',
        host,
        epoch: entry.epoch,
        lastHeartbeatAt: entry.lastHeartbeatAt!,
      },
    };
  }

  /** Everything due by now: hosts to suspect, and hosts whose second signal must be read. */
  tick(): LivenessChange[] {
    const now = this.clock();
    const changes: LivenessChange[] = [];
    for (const host of this.wheel.takeDue(now)) {
      const entry = this.hosts.get(host);
      if (!entry || entry.checkingDown || entry.liveness === 'down') continue;
      const deadline = this.deadlineOf(entry);
      if (deadline > now) {
        // A heartbeat moved the deadline since it was scheduled.
        this.wheel.schedule(host, deadline);
        continue;
      }
      if (entry.liveness === 'ready') {
        entry.liveness = 'suspect';
        changes.push({
          kind: 'suspect',
          host,
          epoch: entry.epoch,
          lastHeartbeatAt: entry.lastHeartbeatAt,
          silentForMs: now - entry.aliveSince,
        });
        this.scheduleNext(entry);
      } else {
        entry.checkingDown = true;
        changes.push({ kind: 'check-down', host, epoch: entry.epoch, site: entry.site });
      }
    }
    return changes;
  }

  /**
   * Settles a `check-down` with the host's lease: a lease renewed within the TTL under the
   * current epoch means the host lives behind a partition, none means it died. The site's down
   * budget may defer either; a heartbeat that came meanwhile cancels both.
   */
  resolveDown(host: string, epoch: number, lease: LeaseReading | null): DownVerdict {
    const entry = this.hosts.get(host);
    if (!entry || !entry.checkingDown || entry.epoch !== epoch || entry.liveness !== 'suspect') {
      return { kind: 'none' };
    }
    entry.checkingDown = false;
    const now = this.clock();
    const permit = this.limiter.acquire(entry.site, now);
    if (!permit.granted) {
      entry.downDeferredUntil = permit.retryAt;
      this.wheel.schedule(host, permit.retryAt);
      return {
        kind: 'defer',
        host,
        epoch,
        retryAt: permit.retryAt,
        limitPerMinute: this.limiter.limitPerMinute,
      };
    }
    // The lease is dated by the agent's clock too.
    const leaseAlive =
      lease !== null &&
      lease.epoch >= epoch &&
      now - (lease.renewedAt - (entry.clockAheadMs ?? 0)) <= this.policy.leaseTtlMs;
    entry.liveness = 'down';
    entry.downDeferredUntil = null;
    this.wheel.cancel(host);
    return {
      kind: 'down',
      host,
      epoch,
      cause: leaseAlive ? 'partitioned' : 'dead',
      evidence: {
        ...(entry.lastHeartbeatAt !== null ? { lastHeartbeatAt: iso(entry.lastHeartbeatAt) } : {}),
        checkedAt: iso(now),
        ...(lease ? { lease: { renewedAt: iso(lease.renewedAt), epoch: lease.epoch } } : {}),
        leaseTtlMs: this.policy.leaseTtlMs,
      },
    };
  }

  /** Hosts of a site that are suspect now (the silent ones), for the rate-limit event. */
  silentHosts(site: string): number {
    let count = 0;
    for (const entry of this.hosts.values()) {
      if (entry.site === site && entry.liveness === 'suspect') count++;
    }
    return count;
  }

  /**
   * A recovery that could not be recorded: the host is suspect again (in the tracker as in the
   * log), so that its next heartbeat answers a `recover` change once more.
   */
  retryRecovery(host: string, epoch: number): void {
    const entry = this.hosts.get(host);
    if (!entry || entry.liveness !== 'ready' || entry.epoch !== epoch) return;
    entry.liveness = 'suspect';
    this.scheduleNext(entry);
  }

  /** Puts a `check-down` back when its verdict could not be recorded, so the next tick retries it. */
  retryDownCheck(host: string): void {
    const entry = this.hosts.get(host);
    if (!entry || entry.liveness !== 'suspect') return;
    entry.checkingDown = false;
    this.wheel.schedule(host, this.clock());
  }

  private deadlineOf(entry: TrackedHost): number {
    if (entry.liveness === 'ready') return entry.aliveSince + suspectAfterMs(this.policy);
    return Math.max(entry.aliveSince + this.policy.downAfterMs, entry.downDeferredUntil ?? 0);
  }

  private scheduleNext(entry: TrackedHost): void {
    if (entry.liveness === 'down') this.wheel.cancel(entry.host);
    else this.wheel.schedule(entry.host, this.deadlineOf(entry));
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
