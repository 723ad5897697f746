import type { Subjects } from '@federa/contracts';
import {
  readCheckpoint,
  storeCheckpoint,
  type EventStore,
  type LogCheckpoint,
} from '@federa/eventstore';
import { ensureEventStream } from '@federa/messaging';
import type { NatsConnection } from 'nats';
import type { Pool } from 'pg';
import type { PostgresLeaderLease } from './leader-lease';
import { publishInOrder } from './publish-in-order';

export interface EventRelayOptions {
  pool: Pool;
  store: EventStore;
  nc: NatsConnection;
  subjects: Subjects;
  lease: PostgresLeaderLease;
  /** Events read and published per round; @default 500 */
  batchSize?: number;
  /** Wait between polls of the log once caught up; @default 50 ms */
  pollMs?: number;
  /** How often a standby tries to take over; @default 1000 ms */
  acquireEveryMs?: number;
  /** Wait for one PubAck; @default 5000 ms */
  publishTimeoutMs?: number;
  /** Told when this instance becomes active or stands by, for logs. */
  onRoleChange?: (role: 'active' | 'standby') => void;
  onError?: (error: unknown) => void;
}

/**
 * Publishes the event log to JetStream in log order. Only the instance holding the lease publishes;
 * its checkpoint (eventlog.checkpoints `relay:<stream>`) moves only after every event of a page is
 * acknowledged, and a republished event is dropped by JetStream's deduplication on its event id.
 */
export class EventRelay {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private publishedCount = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly options: EventRelayOptions) {}

  /** Events this instance got a PubAck for (new or duplicate). */
  get published(): number {
    return this.publishedCount;
  }

  get isActive(): boolean {
    return this.options.lease.isHeld && !this.stopped;
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
    this.wake?.();
    await this.loop;
    await this.options.lease.release();
  }

  private async run(): Promise<void> {
    const acquireEveryMs = this.options.acquireEveryMs ?? 1000;
    while (!this.stopped) {
      if (await this.options.lease.tryAcquire()) {
        this.options.onRoleChange?.('active');
        try {
          await this.publishWhileActive();
        } catch (error) {
          this.options.onError?.(error);
        }
        if (!this.stopped) this.options.onRoleChange?.('standby');
      }
      await this.sleep(acquireEveryMs);
    }
  }

  private async publishWhileActive(): Promise<void> {
    const { nc, subjects, lease, pool, store } = this.options;
    const jsm = await nc.jetstreamManager();
    await ensureEventStream(jsm, subjects);
    const js = nc.jetstream();
    const lastSequence = async () => (await jsm.streams.info(subjects.eventStream)).state.last_seq;
    let sequence = await lastSequence();
    let checkpoint: LogCheckpoint = await readCheckpoint(pool, this.checkpointName);
    let leaseCheckedAt = Date.now();
    while (!this.stopped) {
      if (Date.now() - leaseCheckedAt > 1000) {
        if (!(await lease.verify())) return;
        leaseCheckedAt = Date.now();
      }
      const page = await store.readAll(checkpoint, this.options.batchSize ?? 500);
      if (page.events.length === 0) {
        await this.sleep(this.options.pollMs ?? 50);
        continue;
      }
      let confirmed = 0;
      while (confirmed < page.events.length) {
        if (this.stopped || !lease.isHeld) return;
        const round = await publishInOrder(
          js,
          subjects,
          page.events,
          confirmed,
          sequence,
          this.options.publishTimeoutMs ?? 5000,
        );
        this.publishedCount += round.confirmed - confirmed;
        confirmed = round.confirmed;
        sequence = round.lastSequence;
        if (round.error !== undefined || round.sawDuplicate) {
          if (round.error !== undefined) await this.sleep(100);
          // Lost, refused or deduplicated messages leave the stream's last sequence unknown: ask.
          sequence = await lastSequence().catch(() => sequence);
        }
      }
      if (!(await storeCheckpoint(pool, this.checkpointName, checkpoint, page.checkpoint))) {
        return; // another relay moved it: we are not the active one any more
      }
      checkpoint = page.checkpoint;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
