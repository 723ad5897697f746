import { nanos, type ConsumerConfig } from 'nats';

/**
 * What an operator sets on the durable consumers Federa keeps on the event stream
 * (`FEDERA_CONSUMER_*`, docs/reference/configuration.md). A setting left out takes the consumer's
 * default.
 */
export interface EventConsumerSettings {
  /** Time to handle one message before JetStream hands it out again (`FEDERA_CONSUMER_ACK_WAIT`). */
  ackWaitMs?: number;
  /** Deliveries of one message before JetStream stops handing it out; -1: no limit (`FEDERA_CONSUMER_MAX_DELIVER`). */
  maxDeliver?: number;
}

/** The variable that sets each setting, for messages that tell an operator what changed. */
export const eventConsumerSettingVariables: Record<keyof EventConsumerSettings, string> = {
  ackWaitMs: 'FEDERA_CONSUMER_ACK_WAIT',
  maxDeliver: 'FEDERA_CONSUMER_MAX_DELIVER',
};

/** What to do with an existing durable consumer, given the settings it must have. */
export type EventConsumerPlan =
  | { action: 'keep' }
  /** Update the consumer with `config` (the fields that change); `changes` says each one in words. */
  | { action: 'update'; config: Partial<ConsumerConfig>; changes: string[] };

/**
 * Compares a durable consumer as it is with the settings it must have. JetStream updates a
 * durable's ack wait and max deliver in place, keeping its position and its unacknowledged messages.
 */
export function planEventConsumerChange(
  current: Pick<ConsumerConfig, 'ack_wait' | 'max_deliver'>,
  wanted: Required<EventConsumerSettings>,
): EventConsumerPlan {
  const config: Partial<ConsumerConfig> = {};
  const changes: string[] = [];
  const ackWait = nanos(wanted.ackWaitMs);
  if (current.ack_wait !== ackWait) {
    changes.push(
      `ack wait ${describeWait(current.ack_wait)} → ${describeWait(ackWait)} (${eventConsumerSettingVariables.ackWaitMs})`,
    );
    config.ack_wait = ackWait;
  }
  const maxDeliver = normalMaxDeliver(wanted.maxDeliver);
  if (normalMaxDeliver(current.max_deliver) !== maxDeliver) {
    changes.push(
      `max deliver ${describeMaxDeliver(current.max_deliver)} → ${describeMaxDeliver(maxDeliver)} (${eventConsumerSettingVariables.maxDeliver})`,
    );
    config.max_deliver = maxDeliver;
  }
  return changes.length === 0 ? { action: 'keep' } : { action: 'update', config, changes };
}

/** JetStream writes "no limit" as -1 (and a consumer made without one may show 0). */
function normalMaxDeliver(value: number | undefined): number {
  return value !== undefined && value > 0 ? value : -1;
}

function describeMaxDeliver(value: number | undefined): string {
  const normal = normalMaxDeliver(value);
  return normal > 0 ? String(normal) : 'no limit';
}

function describeWait(ns: number | undefined): string {
  const ms = Math.round((ns ?? 0) / 1e6);
  if (ms <= 0) return 'none';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
