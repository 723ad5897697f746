import type { RecordedEvent, Subjects } from '@federa/contracts';
import { PostgresLeaderLease, type EventStore } from '@federa/eventstore';
import {
  decodeEventMessage,
  ensureEventStream,
  planEventConsumerChange,
  recordDeadLetter,
  type EventStreamSettings,
} from '@federa/messaging';
import { backoffDelayMs, type BackoffPolicy } from '@federa/runtime/backoff';
import {
  AckPolicy,
  DeliverPolicy,
  nanos,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
  type NatsConnection,
  type StreamInfo,
} from 'nats';
import type { Pool } from 'pg';
import { resumeSeq, streamOrder } from '../domain/stream-order';
import type { StatisticsEventHandlers } from '../statistics-event-handlers';
import { applyEvent, type Applied } from './apply-event';
import {
  ensureConsumerState,
  lockConsumerState,
  pruneHandledPositions,
  saveConsumerState,
} from './consumer-state';
import { inTransaction } from './in-transaction';
import { catchUpFromLog, type CatchUpTarget } from './log-catch-up';

/** A failing event is retried in place (nothing after it is applied meanwhile), ever more slowly. */
const retryBackoff: BackoffPolicy = { baseMs: 200, maxMs: 5000 };
/** Longest wait for the stream's iterator to close (see closeWithin). */
const closeWaitMs = 5000;

export interface StatisticsEventConsumerOptions {
  nc: NatsConnection;
  subjects: Subjects;
  /** Statistics' pool: its tables, the handled positions and the dead letters. */
  pool: Pool;
  /** The Postgres log, read when the stream no longer holds what the consumer needs. */
  store: EventStore;
  /** Leadership: one replica consumes at a time (the others stand by). */
  databaseUrl: string;
  handlers: StatisticsEventHandlers;
  /** Durable consumer name on the stream, also the key of the consumer's state and positions. */
  durable: string;
  /** Time to handle one message before JetStream redelivers it (`FEDERA_CONSUMER_ACK_WAIT`); @default 30 s */
  ackWaitMs?: number;
  /**
   * Deliveries of one message before JetStream stops handing it out (`FEDERA_CONSUMER_MAX_DELIVER`);
   * @default -1, no limit: a failing event is retried in place, and one JetStream gave up on is
   * read from the log when the next message shows the gap.
   */
  maxDeliver?: number;
  /**
   * The settings the event stream is created with when statistics finds none before the relay made
   * it (`FEDERA_STREAM_*`); an existing stream is taken as it is. @default one replica, no limit
   */
  streamSettings?: EventStreamSettings;
  /** How often a standby tries to take over, and the leader checks it still leads; @default 1000 ms */
  acquireEveryMs?: number;
  /** How often the leader forgets handled positions no delivery can bring back; @default 60 s */
  pruneEveryMs?: number;
  /** Problems, for the service's log. */
  log?: (message: string) => void;
  /** Told when the durable's ack wait or max deliver is changed to the configured ones, for the service's log. */
  onSettingsChange?: (message: string) => void;
  /** Told when this replica starts consuming (it took the lease), for the service's log. */
  onActive?: (message: string) => void;
}

/**
 * Follows the event stream (JetStream, FEDERA_EVENTS) with a durable pull consumer, applying every
 * event to the registered handlers in the relay's order, exactly once: each event is applied in one
 * transaction that records its position in statistics.handled_positions and moves the consumer's
 * state, and acknowledged after it commits. A failing event is retried in place, so nothing after it
 * is applied first. When the stream no longer holds the messages that come next (its limits dropped
 * them), they are read from the Postgres log, then the consumer goes on from the stream.
 */
export class StatisticsEventConsumer {
  private stopped = true;
  private loop: Promise<void> | undefined;
  private messages: ConsumerMessages | undefined;
  private readonly sleepers = new Set<() => void>();
  private readonly lease: PostgresLeaderLease;
  private failure: string | undefined;
  private appliedCount = 0;

  constructor(private readonly options: StatisticsEventConsumerOptions) {
    this.lease = new PostgresLeaderLease(
      options.databaseUrl,
      `statistics-consumer:${options.subjects.eventStream}:${options.durable}`,
    );
  }

  /** Why events are not being applied now, or undefined (a standby replica is fine). */
  get problem(): string | undefined {
    return this.failure;
  }

  /** True while this replica is the one consuming. */
  get isActive(): boolean {
    return this.lease.isHeld && !this.stopped;
  }

  /** Events this process applied (not counting skipped redeliveries). */
  get applied(): number {
    return this.appliedCount;
  }

  async start(): Promise<void> {
    this.options.handlers.seal();
    await ensureConsumerState(this.options.pool, this.options.durable);
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
    // Not awaited here: the loop ends the iterator and waits for its close, with a bound.
    void this.messages?.close();
    await this.loop;
    await this.lease.release();
  }

  private async run(): Promise<void> {
    const acquireEveryMs = this.options.acquireEveryMs ?? 1000;
    let failures = 0;
    while (!this.stopped) {
      if (await this.lease.holds()) {
        try {
          await this.consumeWhileLeading(acquireEveryMs);
          failures = 0;
        } catch (error) {
          this.failure = `event stream: ${describe(error)}`;
          this.options.log?.(this.failure);
          await this.sleep(backoffDelayMs(failures++, retryBackoff));
        }
      }
      await this.sleep(acquireEveryMs);
    }
  }

  private async consumeWhileLeading(checkEveryMs: number): Promise<void> {
    const { nc, subjects, durable } = this.options;
    const jsm = await nc.jetstreamManager();
    const stream = await ensureEventStream(jsm, subjects, {
      createWith: this.options.streamSettings,
    });
    const lastSeq = await this.resume(stream);
    const existing = await jsm.consumers.info(subjects.eventStream, durable).catch(() => undefined);
    const settings = {
      ackWaitMs: this.options.ackWaitMs ?? 30_000,
      maxDeliver: this.options.maxDeliver ?? -1,
    };
    if (existing) {
      // Changed in place: the durable keeps its position and its unacknowledged messages.
      const plan = planEventConsumerChange(existing.config, settings);
      if (plan.action === 'update') {
        await jsm.consumers.update(subjects.eventStream, durable, plan.config);
        this.options.onSettingsChange?.(
          `durable consumer ${durable} on ${subjects.eventStream} changed: ${plan.changes.join('; ')}`,
        );
      }
    } else {
      // A new durable starts after what the consumer's own state says it applied.
      const config: Partial<ConsumerConfig> = {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        ack_wait: nanos(settings.ackWaitMs),
        max_deliver: settings.maxDeliver,
        filter_subject: subjects.allEvents,
        ...(lastSeq > 0
          ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: lastSeq + 1 }
          : { deliver_policy: DeliverPolicy.All }),
      };
      await jsm.consumers.add(subjects.eventStream, config);
    }
    const consumer = await nc.jetstream().consumers.get(subjects.eventStream, durable);
    const messages = await consumer.consume({ max_messages: 100 });
    this.messages = messages;
    this.failure = undefined;
    this.options.onActive?.(
      `consuming the event stream ${subjects.eventStream} as ${durable} from sequence ${Math.max(lastSeq, 0) + 1}`,
    );
    const watch = setInterval(() => {
      void this.lease.verify().then((held) => {
        if (!held) void messages.close();
      });
    }, checkEveryMs);
    const prune = setInterval(() => void this.prune(), this.options.pruneEveryMs ?? 60_000);
    let failed: { error: unknown } | undefined;
    try {
      // Never left with `break` or a throw: nats.js 2.x ends a consume() iterator only while the loop
      // still reads it (close() queues the end as one more item), so a loop left early leaves the
      // iterator open for good and every close() of it, ours below and stop()'s, never resolves.
      // Instead the iterator is closed and the loop reads on, skipping what is left, to its end.
      for await (const message of messages) {
        if (failed || this.stopped || !this.lease.isHeld) {
          // Not acknowledged: JetStream hands it out again after the ack wait, to the next leader.
          void messages.close();
          continue;
        }
        try {
          await this.process(message);
        } catch (error) {
          failed = { error };
          void messages.close();
        }
      }
    } finally {
      clearInterval(watch);
      clearInterval(prune);
      await closeWithin(messages, closeWaitMs);
      this.messages = undefined;
    }
    if (failed) throw failed.error;
  }

  /**
   * Records which stream the consumer follows (a recreated one starts over at its beginning) and,
   * when the stream holds nothing at all of what came after the last applied message, reads that
   * from the log now rather than waiting for a next message to show the gap.
   */
  private async resume(stream: StreamInfo): Promise<number> {
    const { pool, durable } = this.options;
    const lastSeq = await inTransaction(pool, async (db) => {
      const state = await lockConsumerState(db, durable);
      const seq = resumeSeq(state, stream.created);
      if (seq !== state.lastStreamSeq || state.streamCreated !== stream.created) {
        await saveConsumerState(db, durable, {
          ...state,
          lastStreamSeq: seq,
          streamCreated: stream.created,
        });
      }
      return seq;
    });
    const { messages, last_seq } = stream.state;
    if (messages === 0 && last_seq > lastSeq) {
      await this.catchUp({ kind: 'log-end', streamSeq: last_seq });
      return last_seq;
    }
    return lastSeq;
  }

  /**
   * Applies one message, retrying in place while this replica still leads: once the lease is lost
   * (its session ended, say with the Postgres server) the message is left unacknowledged for the next
   * leader, rather than applied by a replica that no longer holds the stream.
   */
  private async process(message: JsMsg): Promise<void> {
    const seq = message.info.streamSequence;
    for (let attempt = 0; !this.stopped && this.lease.isHeld; attempt++) {
      try {
        const outcome = await this.applyMessage(message, seq);
        if (outcome === 'gap') {
          const decoded = decodeEventMessage(message.data);
          await this.catchUp(
            decoded.ok
              ? { kind: 'message', position: decoded.event.position, streamSeq: seq - 1 }
              : { kind: 'log-end', streamSeq: seq - 1 },
            () => stillWorking(message),
          );
          continue;
        }
        if (outcome === 'applied') this.appliedCount++;
        this.failure = undefined;
        message.ack();
        return;
      } catch (error) {
        this.failure = `stream sequence ${seq}: ${describe(error)}`;
        if (attempt === 0) this.options.log?.(`${this.failure} (retrying)`);
        stillWorking(message);
        await this.sleep(backoffDelayMs(attempt, retryBackoff));
      }
    }
  }

  /** One message in one transaction, or `gap` (nothing done) when earlier messages are missing. */
  private applyMessage(message: JsMsg, seq: number): Promise<Applied | 'gap'> {
    const { pool, durable, handlers } = this.options;
    return inTransaction(pool, async (db) => {
      const state = await lockConsumerState(db, durable);
      const order = streamOrder(state.lastStreamSeq, seq);
      if (order === 'gap') return 'gap';
      // Applied before (or covered by a catch-up): its handled position may be pruned by now.
      if (order === 'seen') return 'skipped';
      const decoded = decodeEventMessage(message.data);
      let outcome: Applied;
      let event: RecordedEvent | undefined;
      if (decoded.ok) {
        event = decoded.event;
        outcome = await applyEvent(db, durable, handlers, event, message.subject);
      } else {
        const reason = decoded.errors.map((e) => `${e.path || '(body)'}: ${e.reason}`).join('; ');
        await recordDeadLetter(db, {
          consumer: durable,
          subject: message.subject,
          messageId: message.headers?.get('Nats-Msg-Id') || undefined,
          deliveries: message.info.redeliveryCount,
          reason: `not an event: ${reason}`,
          payload: Buffer.from(message.data).toString('utf8'),
        });
        outcome = 'dead-lettered';
      }
      await saveConsumerState(db, durable, {
        ...state,
        lastStreamSeq: seq,
        lastPosition: event?.position ?? state.lastPosition,
      });
      return outcome;
    });
  }

  private async prune(): Promise<void> {
    const { pool, durable, subjects } = this.options;
    try {
      // The relay's checkpoint is named after the stream it publishes to.
      await pruneHandledPositions(pool, durable, `relay:${subjects.eventStream}`);
    } catch (error) {
      this.options.log?.(`pruning handled positions: ${describe(error)}`);
    }
  }

  private async catchUp(target: CatchUpTarget, onPage?: () => void): Promise<void> {
    const { pool, store, durable, handlers, subjects } = this.options;
    const count = await catchUpFromLog(
      {
        pool,
        store,
        consumer: durable,
        handlers,
        subject: subjects.allEvents,
        log: this.options.log,
        onPage,
      },
      target,
    );
    if (count > 0) {
      this.appliedCount += count;
      this.options.log?.(`applied ${count} events from the log that the stream no longer held`);
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

/**
 * Closes a consume() iterator, waiting at most `ms`. A safety net for nats.js 2.x only: its close()
 * resolves once the iterator's loop has read the end that close() queues, which the loop above
 * always does; should a future path leave the loop early, the consumer still stops (the iterator's
 * subscription is already gone by then) instead of hanging its service's shutdown.
 */
async function closeWithin(messages: ConsumerMessages, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([messages.close().then(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Tells JetStream the message is still being worked on, so that it is not handed out again meanwhile. */
function stillWorking(message: JsMsg): void {
  try {
    message.working();
  } catch {
    // The connection is away: the message comes back after the ack wait anyway, and is skipped then.
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
