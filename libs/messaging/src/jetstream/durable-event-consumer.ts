import type { RecordedEvent, Subjects } from '@federa/contracts';
import { backoffDelayMs, type BackoffPolicy } from '@federa/runtime/backoff';
import {
  AckPolicy,
  DeliverPolicy,
  nanos,
  type ConsumerMessages,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import type { Pool, PoolClient } from 'pg';
import { recordDeadLetter } from './dead-letters';
import { decodeEventMessage } from './event-message';
import { planEventConsumerChange } from './event-consumer-settings';
import { ensureEventStream } from './event-stream';
import type { EventStreamSettings } from './event-stream-settings';
import { handleOnce } from './handle-once';
import { PermanentFailure } from './permanent-failure';

/** Messages that fail together (a database outage) come back spread out, not in step. */
const redeliveryBackoff: BackoffPolicy = { baseMs: 200, maxMs: 5000 };

export interface DurableEventConsumerOptions {
  nc: NatsConnection;
  subjects: Subjects;
  /** Durable consumer name, also the key of its handled positions (`<service>-<purpose>`). */
  durable: string;
  /** Where handled positions and dead letters are kept (the consumer's own database). */
  pool: Pool;
  /** Runs inside the transaction that marks the position handled; throw to retry later. */
  handle: (event: RecordedEvent, db: PoolClient) => Promise<void>;
  /** Only these subjects (one filter: nats-server 2.9 has no filter_subjects); @default every event */
  filterSubject?: string;
  /**
   * Deliveries before a message is dead-lettered; @default 5. A service reads it, with the ack wait,
   * from `FEDERA_CONSUMER_*` (`eventConsumerSettingsFromEnv` of @federa/runtime).
   */
  maxDeliver?: number;
  /** Time to handle one message before JetStream redelivers it; @default 30 s */
  ackWaitMs?: number;
  /**
   * The settings the event stream is created with when this consumer finds none (from
   * `FEDERA_STREAM_*`); an existing stream is taken as it is. @default one replica, no limit
   */
  streamSettings?: EventStreamSettings;
  /** Told when an existing durable's ack wait or max deliver is changed to these, each change in words. */
  onSettingsChange?: (changes: string[]) => void;
  /**
   * Redelivery delay after a transient failure; @default the shared backoff with full jitter: below
   * 200 ms after the first delivery, the bound doubling with each one up to 5 s
   */
  nakDelayMs?: (deliveries: number) => number;
}

/**
 * A durable pull consumer of the event stream. Each message is handled in one database transaction
 * that records its position (so a redelivery is a no-op) and acknowledged only after that commit;
 * a transient failure is nak'ed with a delay, and after maxDeliver (or a PermanentFailure, or a body
 * that is not an event) the message is written to eventlog.dead_letters and terminated.
 */
export class DurableEventConsumer {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: DurableEventConsumerOptions) {}

  /** Creates the stream and the durable consumer when missing, then handles messages until stop(). */
  async start(): Promise<void> {
    const { nc, subjects, durable } = this.options;
    const jsm = await nc.jetstreamManager();
    await ensureEventStream(jsm, subjects, { createWith: this.options.streamSettings });
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_deliver: this.options.maxDeliver ?? 5,
      ack_wait: nanos(this.options.ackWaitMs ?? 30_000),
      filter_subject: this.options.filterSubject ?? subjects.allEvents,
    };
    const existing = await jsm.consumers.info(subjects.eventStream, durable).catch(() => undefined);
    if (existing) {
      const plan = planEventConsumerChange(existing.config, {
        ackWaitMs: this.options.ackWaitMs ?? 30_000,
        maxDeliver: config.max_deliver,
      });
      await jsm.consumers.update(subjects.eventStream, durable, config);
      if (plan.action === 'update') this.options.onSettingsChange?.(plan.changes);
    } else await jsm.consumers.add(subjects.eventStream, config);
    const consumer = await nc.jetstream().consumers.get(subjects.eventStream, durable);
    this.messages = await consumer.consume({ max_messages: 100 });
    const messages = this.messages;
    this.loop = (async () => {
      for await (const message of messages) await this.process(message);
    })();
  }

  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }

  private async process(message: JsMsg): Promise<void> {
    const deliveries = message.info.redeliveryCount;
    const decoded = decodeEventMessage(message.data);
    if (!decoded.ok) {
      const reason = decoded.errors.map((e) => `${e.path || '(body)'}: ${e.reason}`).join('; ');
      return this.deadLetter(message, deliveries, `not an event: ${reason}`);
    }
    try {
      await handleOnce(this.options.pool, this.options.durable, decoded.event.position, (db) =>
        this.options.handle(decoded.event, db),
      );
      message.ack();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof PermanentFailure || deliveries >= (this.options.maxDeliver ?? 5)) {
        return this.deadLetter(message, deliveries, reason);
      }
      const delay =
        this.options.nakDelayMs?.(deliveries) ?? backoffDelayMs(deliveries - 1, redeliveryBackoff);
      message.nak(delay);
    }
  }

  private async deadLetter(message: JsMsg, deliveries: number, reason: string): Promise<void> {
    try {
      await recordDeadLetter(this.options.pool, {
        consumer: this.options.durable,
        subject: message.subject,
        messageId: message.headers?.get('Nats-Msg-Id') || undefined,
        deliveries,
        reason,
        payload: Buffer.from(message.data).toString('utf8'),
      });
      message.term();
    } catch {
      // Could not keep the letter: let JetStream redeliver rather than lose the message.
      message.nak(1_000);
    }
  }
}
