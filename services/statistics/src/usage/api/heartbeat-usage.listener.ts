import { Inject, Injectable, Logger } from '@nestjs/common';
import { Subjects } from '@federa/contracts';
import { SubjectGuard, connectNats } from '@federa/messaging';
import type { NatsConnection, Subscription } from 'nats';
import type { Pool } from 'pg';
import { PG_POOL, STATISTICS_CONFIG } from '../../infrastructure/statistics-tokens';
import type { StatisticsConfig } from '../../statistics-config';
import { checkUsageHeartbeat } from '../domain/heartbeat-check';
import { splitByHost } from '../domain/covered-batch';
import { MinuteAccumulator, type UsageBatch } from '../domain/minute-accumulator';
import {
  isDataError,
  readHeartbeatMarks,
  takeUsageTerm,
  UsageTermEnded,
  writeUsageBatch,
} from '../infrastructure/minute-writer';
import { USAGE_CONFIG } from '../infrastructure/usage-tokens';
import type { UsageConfig } from '../usage-config';

/** A refused heartbeat is logged at most this often per host. */
const complaintEveryMs = 60_000;
/**
 * Minute rows held in memory at most, counted and not yet written (some 100 MB): while Postgres
 * cannot be written, heartbeats beyond this are dropped, and counted so, rather than memory grow.
 */
export const maxHeldRows = 500_000;

/** Heartbeats taken since start, by what became of them. */
export interface HeartbeatCounts {
  counted: number;
  replayed: number;
  stale: number;
  malformed: number;
  /** Counted but never written: held rows full, refused by Postgres, or another replica took over. */
  dropped: number;
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
  /** Batches taken and not written yet, oldest first: each written again as it was. */
  private unwritten: UsageBatch[] = [];
  private unwrittenRows = 0;
  private term = 0;
  readonly counts: HeartbeatCounts = {
    counted: 0,
    replayed: 0,
    stale: 0,
    malformed: 0,
    dropped: 0,
  };

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
    // The term first, then the marks: a deposed replica's flush either committed before (its
    // marks are read here) or is refused.
    this.term = await takeUsageTerm(this.pool);
    this.accumulator = new MinuteAccumulator();
    this.unwritten = [];
    this.unwrittenRows = 0;
    this.accumulator.remember(await readHeartbeatMarks(this.pool));
    const subjects = new Subjects(this.config.federa.subjectPrefix);
    this.connection ??= await connectNats(this.config.federa.natsUrl, 'federa-statistics-usage');
    const guard = new SubjectGuard(subjects.allHeartbeats, (line) => this.logger.warn(line));
    this.subscription = this.connection.subscribe(subjects.allHeartbeats, {
      callback: (error, msg) => {
        // `<prefix>.agent.<host>.heartbeat`; a prefix never holds a dot.
        if (!error && guard.admits(msg.subject)) this.take(msg.subject.split('.')[2], msg.data);
      },
    });
    this.timer = setInterval(() => void this.flush(), this.usage.flushMs);
    // Resolved once the server has the subscription: a heartbeat sent after start() is taken.
    await this.connection.flush();
  }

  /**
   * Stops taking heartbeats; `flush`: writes what was counted first, which only succeeds while no
   * other replica took over (false: nothing was counted, or it cannot be written).
   */
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

  /**
   * Writes everything counted so far, batch by batch in the order taken. A batch that could not be
   * written (connection, server) stays for the next flush; one Postgres refuses for its data is
   * cut by host until only the refused host's is dropped; all are dropped once another replica took
   * over (it counts from the marks written, and this replica's writes are refused).
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    const batch = this.accumulator.take();
    if (batch.marks.length > 0) {
      this.unwritten.push(batch);
      this.unwrittenRows += batch.minutes.length;
    }
    if (this.unwritten.length === 0) return;
    this.flushing = this.writeUnwritten().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  private async writeUnwritten(): Promise<void> {
    while (this.unwritten.length > 0) {
      const batch = this.unwritten[0];
      try {
        await writeUsageBatch(this.pool, batch, this.term);
      } catch (error) {
        if (error instanceof UsageTermEnded) {
          const lost = this.unwritten.reduce((n, b) => n + b.heartbeats, 0);
          this.counts.dropped += lost;
          this.unwritten = [];
          this.unwrittenRows = 0;
          this.logger.warn(`${lost} heartbeats not written: ${error.message}`);
          return;
        }
        if (!isDataError(error)) {
          this.logger.warn(`usage not written yet, will retry: ${(error as Error).message}`);
          return;
        }
        const halves = splitByHost(batch);
        this.unwritten.shift();
        if (halves) {
          this.unwritten.unshift(...halves);
          continue;
        }
        this.unwrittenRows -= batch.minutes.length;
        this.counts.dropped += batch.heartbeats;
        this.logger.error(
          `${batch.heartbeats} heartbeats of ${batch.marks[0]?.host} dropped, Postgres refuses them: ${(error as Error).message}`,
        );
        continue;
      }
      this.unwritten.shift();
      this.unwrittenRows -= batch.minutes.length;
    }
  }

  /** Takes one heartbeat: exported for the ingest benchmark, which feeds it without NATS. */
  take(subjectHost: string, data: Uint8Array): void {
    let plain: unknown;
    try {
      plain = JSON.parse(this.decoder.decode(data));
    } catch {
      plain = undefined;
    }
    const checked = checkUsageHeartbeat(plain, subjectHost, Date.now());
    if (!checked.ok) {
      this.counts.malformed++;
      this.complain(
        subjectHost,
        checked.errors.map((e) => `${e.path || '(root)'}: ${e.reason}`).join('; '),
      );
      return;
    }
    if (this.accumulator.size + this.unwrittenRows >= maxHeldRows) {
      this.counts.dropped++;
      this.complain(subjectHost, `${maxHeldRows} minute rows wait to be written already`);
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
