import { DeadlineWheel } from './deadline-wheel';
import { DownRateLimiter } from './down-rate-limiter';
import type { DownCause, DownEvidence, Liveness } from './host-events';
import { suspectAfterMs, type LivenessPolicy } from './liveness-policy';

/** Milliseconds since the epoch, from an injected clock. */
export type Clock = () => number;

/**
 * A lease as the second signal showed it: when the agent last renewed it (on the agent's clock, so
 * only ever compared with another reading of the same lease), under which epoch.
 */
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
  /** One reading cannot show progress: the lease is read again at `at` (the next check-down). */
  | { kind: 'reread'; host: string; epoch: number; at: number }
  | { kind: 'defer'; host: string; epoch: number; retryAt: number; limitPerMinute: number }
  | { kind: 'none' };

export type HeartbeatOutcome =
  | { accepted: true; change?: LivenessChange }
  | {
      accepted: false;
      /**
       * `stale-epoch`: an older epoch than the host's; `host-down`: the host is down under this
       * epoch and comes back only by registering again (a new epoch). Both mean the agent must
       * register again; the others mean nothing to it (`stale-message`: a duplicate, or a seq
       * older than one already taken).
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
  /** The highest heartbeat seq taken under `epoch` (0 before the first). */
  lastSeq: number;
  /**
   * The first lease reading this tracker took during the current silence, and when (on this
   * clock); null while the host beats. The verdict compares a later reading with it.
   */
  firstLease: { reading: LeaseReading; readAt: number } | null;
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
      // A registration answered here: the agent counts its seqs from 1 again.
      lastSeq: 0,
      firstLease: null,
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
        // The seqs heard as a standby hold only for the epoch they were heard under.
        lastSeq: known && known.epoch >= host.epoch ? known.lastSeq : 0,
        // A standby never reads leases: the new leader reads each silent host's lease itself.
        firstLease: null,
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
   * Takes heartbeat `seq` of `epoch`, as proof that the host was alive when it arrived (on this
   * clock). Ignored when the host is unknown, the epoch is stale, the host is down under this epoch
   * (a host back from down registers again for a new epoch, so that what it did before the fence is
   * told from what it does after; these checks come first, so such a host is always asked to
   * register again), or the seq is not beyond the last taken under the epoch (a duplicate, or one
   * overtaken by a newer one: it proves nothing a newer one did not). Answers a `recover` change
   * when the host was suspect, or down under an older epoch (it registered again through another
   * replica).
   *
   * The agent's `sentAt` is not compared with this clock any more: agents' clocks may be minutes
   * off (a registration allows HOST_KEY_MAX_CLOCK_SKEW_MS) and may step at any time, and every way
   * of learning the offset was wrong after some step (a live host refused, declared down, and its
   * instances run twice). What the date guarded against, a burst buffered through a partition, is
   * still proof of life: the agent only publishes while connected, so a burst arrives when its
   * connection is back, from a live process.
   */
  heartbeat(host: string, epoch: number, seq: number): HeartbeatOutcome {
    const entry = this.hosts.get(host);
    if (!entry) return { accepted: false, reason: 'unknown-host' };
    if (epoch < entry.epoch) return { accepted: false, reason: 'stale-epoch' };
    if (epoch === entry.epoch && entry.liveness === 'down') {
      return { accepted: false, reason: 'host-down' };
    }
    const newRun = epoch > entry.epoch;
    if (!newRun && seq <= entry.lastSeq) return { accepted: false, reason: 'stale-message' };
    // A newer epoch was handed out by another replica or before this tracker learnt of it.
    if (newRun) entry.epoch = epoch;
    entry.lastSeq = seq;
    entry.firstLease = null;
    const aliveAt = this.clock();
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
   * Takes a lease reading of a host just suspected, so that the down check can compare with it.
   * Ignored unless the host is still suspect under `epoch` and no reading is held yet.
   */
  noteLease(host: string, epoch: number, lease: LeaseReading | null): void {
    const entry = this.hosts.get(host);
    if (!entry || entry.epoch !== epoch || entry.liveness !== 'suspect') return;
    if (lease === null || entry.firstLease !== null) return;
    entry.firstLease = { reading: lease, readAt: this.clock() };
    if (!entry.checkingDown) this.scheduleNext(entry);
  }

  /**
   * Settles a `check-down` with the host's lease, by whether it moved: the agent renews it at
   * least once per lease TTL while its process lives, whatever its network, so a lease that
   * changed between two readings this tracker took at least `leaseTtlMs` apart means the host
   * lives behind a partition, and one that did not means it died. Its date is never compared
   * with this clock (the agent's clock may be minutes off, or step). Without a first reading
   * (the suspicion's reading failed, or this replica took over since), this one becomes the first
   * and the verdict waits a TTL (`reread`). No lease, or one of an older epoch, means dead at
   * once: it cannot show life. The site's down budget may defer either verdict; a heartbeat that
   * came meanwhile cancels both.
   */
  resolveDown(host: string, epoch: number, lease: LeaseReading | null): DownVerdict {
    const entry = this.hosts.get(host);
    if (!entry || !entry.checkingDown || entry.epoch !== epoch || entry.liveness !== 'suspect') {
      return { kind: 'none' };
    }
    entry.checkingDown = false;
    const now = this.clock();
    const current = lease !== null && lease.epoch >= epoch ? lease : null;
    const first = entry.firstLease;
    if (current !== null && (first === null || now - first.readAt < this.policy.leaseTtlMs)) {
      if (first === null) entry.firstLease = { reading: current, readAt: now };
      const at = entry.firstLease!.readAt + this.policy.leaseTtlMs;
      this.wheel.schedule(host, at);
      return { kind: 'reread', host, epoch, at };
    }
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
    const leaseAlive =
      current !== null &&
      first !== null &&
      (current.renewedAt !== first.reading.renewedAt || current.epoch !== first.reading.epoch);
    entry.liveness = 'down';
    entry.downDeferredUntil = null;
    entry.firstLease = null;
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
    return Math.max(
      entry.aliveSince + this.policy.downAfterMs,
      entry.downDeferredUntil ?? 0,
      // Two readings a TTL apart: a live agent renewed its lease in between.
      entry.firstLease ? entry.firstLease.readAt + this.policy.leaseTtlMs : 0,
    );
  }

  private scheduleNext(entry: TrackedHost): void {
    if (entry.liveness === 'down') this.wheel.cancel(entry.host);
    else this.wheel.schedule(entry.host, this.deadlineOf(entry));
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
