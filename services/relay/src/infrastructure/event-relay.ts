import type { Subjects } from '@federa/contracts';
import {
  readCheckpoint,
  type EventStore,
  type LogCheckpoint,
  type PostgresLeaderLease,
  type ReadAllResult,
} from '@federa/eventstore';
import { ensureEventStream, type EventStreamSettings } from '@federa/messaging';
import { backoffDelayMs, type BackoffPolicy } from '@federa/runtime/backoff';
import type { NatsConnection } from 'nats';
import type { Pool } from 'pg';
import { CheckpointWriter } from './checkpoint-writer';
import { publishInOrder, type PublishRound } from './publish-in-order';

export interface EventRelayOptions {
  pool: Pool;
  store: EventStore;
  nc: NatsConnection;
  subjects: Subjects;
  lease: PostgresLeaderLease;
  /** Events read from the log per page; @default 500 */
  batchSize?: number;
  /** Publishes awaiting their PubAck at most (pages go out whole, so one page may exceed it); @default 2000 */
  maxPending?: number;
  /** Wait between polls of the log once caught up; @default 50 ms */
  pollMs?: number;
  /** How often a standby tries to take over; @default 1000 ms */
  acquireEveryMs?: number;
  /** Wait for one PubAck; @default 5000 ms */
  publishTimeoutMs?: number;
  /**
   * The settings the event stream must have (`FEDERA_STREAM_*`): the relay creates the stream with
   * them, or brings an existing one to them when it becomes active; @default none set: a new stream
   * has one replica and no limit, an existing one keeps its own
   */
  streamSettings?: EventStreamSettings;
  /** Told of each change made to the event stream's settings, and of what the stream loses by it. */
  onStreamChange?: (change: { changes: string[]; warnings: string[] }) => void;
  /**
   * Told when JetStream cannot place the stream's replicas now (a server down or starting, or too
   * few): the relay publishes to the stream as it is and tries the change again later.
   */
  onStreamChangeDeferred?: (reason: string) => void;
  /** How often an active relay tries again a replica change JetStream could not place; @default 5 min */
  streamSettingsRetryMs?: number;
  /** Told when this instance becomes active or stands by (only when its role changes), for logs. */
  onRoleChange?: (role: 'active' | 'standby') => void;
  onError?: (error: unknown) => void;
}

/** A page of the log on its way to JetStream. */
interface PageInFlight {
  page: ReadAllResult;
  /** Events before this index are confirmed. */
  from: number;
  /** The publishes of events[from..], while in flight. */
  round?: Promise<PublishRound>;
}

type ReadOutcome = { page: ReadAllResult } | { error: unknown };

/** Waits before publishing again after a failure (Postgres or NATS away), on top of acquireEveryMs. */
const failureBackoff: BackoffPolicy = { baseMs: 250, maxMs: 5000 };

/**
 * Publishes the event log to JetStream in log order. Only the instance holding the lease publishes;
 * its checkpoint (eventlog.checkpoints `relay:<stream>`) moves past a page only after every event of
 * it and of every earlier page is acknowledged, and a republished event is dropped by JetStream's
 * deduplication on its event id.
 */
export class EventRelay {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private publishedCount = 0;
  private readonly sleepers = new Set<() => void>();
  /** The failure the active relay is recovering from, until it reads the log again. */
  private lastFailure: unknown;
  /** The role last reported, so that each change is told once. */
  private role: 'active' | 'standby' | undefined;

  constructor(private readonly options: EventRelayOptions) {}

  /** Events this instance got a PubAck for (new or duplicate). */
  get published(): number {
    return this.publishedCount;
  }

  get isActive(): boolean {
    return this.options.lease.isHeld && !this.stopped;
  }

  /** Why this relay does not publish now (for its readiness), or undefined; a standby is fine. */
  get problem(): string | undefined {
    if (this.lastFailure === undefined) return undefined;
    return this.lastFailure instanceof Error ? this.lastFailure.message : String(this.lastFailure);
  }

  get checkpointName(): string {
    return `relay:${this.options.subjects.eventStream}`;
  }

  start(): void {
    this.stopped = false;
    this.loop = this.run();
  }

  /** Stops publishing and gives the lease up so that a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
    await this.loop;
    await this.options.lease.release();
  }

  private async run(): Promise<void> {
    const acquireEveryMs = this.options.acquireEveryMs ?? 1000;
    let failures = 0;
    while (!this.stopped) {
      if (await this.options.lease.tryAcquire()) {
        this.reportRole('active');
        try {
          await this.publishWhileActive();
          failures = 0;
        } catch (error) {
          this.lastFailure = error ?? 'failed';
          this.options.onError?.(error);
          await this.sleep(backoffDelayMs(failures++, failureBackoff));
        }
        // After a failure this instance still holds the lease and tries again: still active.
        if (!this.stopped && !this.options.lease.isHeld) this.reportRole('standby');
      } else {
        this.lastFailure = undefined;
        this.reportRole('standby');
      }
      await this.sleep(acquireEveryMs);
    }
  }

  private reportRole(role: 'active' | 'standby'): void {
    if (this.role === role) return;
    this.role = role;
    this.options.onRoleChange?.(role);
  }

  /**
   * Publishes while this instance holds the lease, as a pipeline: the next page is read while earlier
   * ones are in flight, and up to maxPending publishes await their PubAck at once. Every publish names
   * the stream sequence it must follow, counted on from the last confirmed one, so the window keeps
   * the strict order one-at-a-time publishing would: if one message is lost, every later one in flight
   * is refused (wrong last sequence) rather than stored after the gap. The checkpoint moves, in the
   * background, as the pages' acks arrive in log order.
   */
  private async publishWhileActive(): Promise<void> {
    const { nc, subjects, lease, pool } = this.options;
    const batchSize = this.options.batchSize ?? 500;
    const maxPending = this.options.maxPending ?? 2000;
    const timeoutMs = this.options.publishTimeoutMs ?? 5000;
    const jsm = await nc.jetstreamManager();
    /** A replica change JetStream could not place yet: tried again every streamSettingsRetryMs. */
    let settingsDeferred = false;
    const ensureStream = () =>
      ensureEventStream(jsm, subjects, {
        settings: this.options.streamSettings ?? {},
        onChange: this.options.onStreamChange,
        onReplicasDeferred: (reason) => {
          settingsDeferred = true;
          this.options.onStreamChangeDeferred?.(reason);
        },
      });
    await ensureStream();
    const retrySettingsMs = this.options.streamSettingsRetryMs ?? 300_000;
    let settingsTriedAt = Date.now();
    const js = nc.jetstream();
    const streamLastSequence = async () =>
      (await jsm.streams.info(subjects.eventStream)).state.last_seq;
    /** The stream sequence the next publish must follow. */
    let sequence = await streamLastSequence();
    const checkpoint = new CheckpointWriter(
      pool,
      this.checkpointName,
      await readCheckpoint(pool, this.checkpointName),
    );
    /** Pages read and not yet wholly confirmed, in log order; the first ones are being published. */
    const pages: PageInFlight[] = [];
    let pending = 0;
    let readFrom = checkpoint.target;
    let reading: Promise<ReadOutcome> | undefined;
    let caughtUp = false;
    let leaseCheckedAt = Date.now();
    try {
      while (!this.stopped) {
        if (Date.now() - leaseCheckedAt > 1000) {
          if (!(await lease.verify())) return;
          leaseCheckedAt = Date.now();
        }
        if (!lease.isHeld || checkpoint.lost) return; // another relay is the active one now
        if (checkpoint.failure) throw checkpoint.failure.error;
        if (settingsDeferred && Date.now() - settingsTriedAt > retrySettingsMs) {
          // Publishing goes on meanwhile: a failure here is told, and tried again later.
          settingsDeferred = false;
          settingsTriedAt = Date.now();
          await ensureStream().catch((error: unknown) => {
            settingsDeferred = true;
            this.options.onError?.(error);
          });
        }

        for (const inFlight of pages) {
          if (inFlight.round) continue;
          const count = inFlight.page.events.length - inFlight.from;
          if (pending > 0 && pending + count > maxPending) break;
          inFlight.round = publishInOrder(
            js,
            subjects,
            inFlight.page.events,
            inFlight.from,
            sequence,
            timeoutMs,
          );
          sequence += count;
          pending += count;
        }
        // Read one page ahead of what is being published (after a pause once caught up).
        if (!reading && pages.every((p) => p.round)) {
          reading = this.readPage(readFrom, batchSize, caughtUp ? (this.options.pollMs ?? 50) : 0);
        }

        const head = pages[0];
        const next = await Promise.race<{ read: ReadOutcome } | { round: PublishRound }>([
          ...(reading ? [reading.then((read) => ({ read }))] : []),
          ...(head?.round ? [head.round.then((round) => ({ round }))] : []),
        ]);
        if ('read' in next) {
          reading = undefined;
          if ('error' in next.read) throw next.read.error;
          this.lastFailure = undefined;
          caughtUp = next.read.page.events.length === 0;
          if (!caughtUp) {
            pages.push({ page: next.read.page, from: 0 });
            readFrom = next.read.page.checkpoint;
          }
          continue;
        }

        const round = next.round;
        this.publishedCount += round.confirmed - head.from;
        pending -= head.page.events.length - head.from;
        if (round.confirmed === head.page.events.length) {
          pages.shift();
          checkpoint.advance(head.page.checkpoint);
        } else {
          head.from = round.confirmed;
        }
        if (round.error !== undefined || round.sawDuplicate) {
          // The later publishes in flight counted on this round storing every message: let them settle
          // (most are refused), then go on from the first unconfirmed event at the stream's real sequence.
          await Promise.allSettled(pages.map((p) => p.round));
          for (const p of pages) p.round = undefined;
          pending = 0;
          if (round.error !== undefined) await this.sleep(100);
          // Lost, refused or deduplicated messages leave the stream's last sequence unknown: ask.
          sequence = await streamLastSequence().catch(() => round.lastSequence);
        }
      }
      // Stopped: keep what is already acknowledged, so that a successor republishes as little as possible.
      for (const inFlight of pages) {
        const round = await inFlight.round;
        if (!round || round.confirmed < inFlight.page.events.length) break;
        this.publishedCount += round.confirmed - inFlight.from;
        checkpoint.advance(inFlight.page.checkpoint);
      }
    } finally {
      await Promise.allSettled([reading, ...pages.map((p) => p.round)]);
      await checkpoint.settle();
    }
  }

  /** The page after `from`, read after `delayMs` (cut short by stop()); never rejects. */
  private async readPage(
    from: LogCheckpoint,
    limit: number,
    delayMs: number,
  ): Promise<ReadOutcome> {
    if (delayMs > 0) await this.sleep(delayMs);
    try {
      return { page: await this.options.store.readAll(from, limit) };
    } catch (error) {
      return { error };
    }
  }

  /** Waits `ms`, or less when stop() is called meanwhile. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}
