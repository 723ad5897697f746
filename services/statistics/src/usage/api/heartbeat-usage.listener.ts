import { Inject, Injectable, Logger } from '@nestjs/common';
import { Subjects } from '@federa/contracts';
import { connectNats } from '@federa/messaging';
import type { NatsConnection, Subscription } from 'nats';
import type { Pool } from 'pg';
import { PG_POOL, STATISTICS_CONFIG } from '../../infrastructure/statistics-tokens';
import type { StatisticsConfig } from '../../statistics-config';
import { checkUsageHeartbeat } from '../domain/heartbeat-check';
import { MinuteAccumulator } from '../domain/minute-accumulator';
import { readHeartbeatMarks, writeUsageBatch } from '../infrastructure/minute-writer';
import { USAGE_CONFIG } from '../infrastructure/usage-tokens';
import type { UsageConfig } from '../usage-config';

/** A refused heartbeat is logged at most this often per host. */
const complaintEveryMs = 60_000;

/** Heartbeats taken since start, by what became of them. */
export interface HeartbeatCounts {
  counted: number;
  replayed: number;
  stale: number;
  malformed: number;
}

/**
 * Turns agents' heartbeats (`<prefix>.agent.*.heartbeat`, core NATS: heartbeats are not events)
 * into minute rows, while this replica leads usage. Each heartbeat is checked (a malformed one is
 * refused with its reasons in a log line at most once a minute per host, counted, never stored),
 * added up in memory per instance, minute and host, and written every FEDERA_STATISTICS_USAGE_FLUSH_MS
 * in one transaction. Subscribed on a connection of its own, without Nest's per-message pipeline:
 * at 10,000 hosts this is the hot path.
 */
@Injectable()
export class HeartbeatUsageListener {
  private readonly logger = new Logger('UsageHeartbeats');
  private readonly decoder = new TextDecoder();
  private readonly complainedAt = new Map<string, number>();
  private accumulator = new MinuteAccumulator();
  private connection: NatsConnection | undefined;
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  readonly counts: HeartbeatCounts = { counted: 0, replayed: 0, stale: 0, malformed: 0 };

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(STATISTICS_CONFIG) private readonly config: StatisticsConfig,
    @Inject(USAGE_CONFIG) private readonly usage: UsageConfig,
  ) {}

  get listening(): boolean {
    return this.subscription !== undefined;
  }

  /** Starts taking heartbeats, knowing every heartbeat counted before (by any replica). */
  async start(): Promise<void> {
    if (this.subscription) return;
    this.accumulator = new MinuteAccumulator();
    this.accumulator.remember(await readHeartbeatMarks(this.pool));
    const subjects = new Subjects(this.config.federa.subjectPrefix);
    this.connection ??= await connectNats(this.config.federa.natsUrl, 'federa-statistics-usage');
    this.subscription = this.connection.subscribe(subjects.allHeartbeats, {
      callback: (error, msg) => {
        // `<prefix>.agent.<host>.heartbeat`; a prefix never holds a dot.
        if (!error) this.take(msg.subject.split('.')[2], msg.data);
      },
    });
    this.timer = setInterval(() => void this.flush(), this.usage.flushMs);
  }

  /** Stops taking heartbeats; `flush`: writes what was counted first (false: another replica leads now). */
  async stop(flush: boolean): Promise<void> {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (flush) await this.flush();
    else await this.flushing;
  }

  async close(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
    this.connection = undefined;
  }

  /** Writes everything counted so far (a failed write is put back for the next flush). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    const batch = this.accumulator.take();
    if (batch.minutes.length === 0 && batch.marks.length === 0) return;
    this.flushing = writeUsageBatch(this.pool, batch)
      .catch((error: Error) => {
        this.accumulator.restore(batch);
        this.logger.warn(`usage not written yet, will retry: ${error.message}`);
      })
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /** Takes one heartbeat: exported for the ingest benchmark, which feeds it without NATS. */
  take(subjectHost: string, data: Uint8Array): void {
    let plain: unknown;
    try {
      plain = JSON.parse(this.decoder.decode(data));
    } catch {
      plain = undefined;
    }
    const checked = checkUsageHeartbeat(plain, subjectHost);
    if (!checked.ok) {
      this.counts.malformed++;
      this.complain(
        subjectHost,
        checked.errors.map((e) => `${e.path || '(root)'}: ${e.reason}`).join('; '),
      );
      return;
    }
    this.counts[this.accumulator.add(checked.value)]++;
  }

  private complain(host: string, what: string): void {
    const now = Date.now();
    if (now - (this.complainedAt.get(host) ?? 0) < complaintEveryMs) return;
    if (this.complainedAt.size > 10_000) this.complainedAt.clear();
    this.complainedAt.set(host, now);
    this.logger.warn(`heartbeat of ${host} refused, not counted: ${what}`);
  }
}
