import type { EventConsumerSettings } from '@federa/messaging';
import { durationMsFromEnv } from './event-stream-env';
import { ConfigurationError } from './federa-config';

/** Below this JetStream would hand a message out again while it is still being handled. */
const minAckWaitMs = 1_000;

/**
 * The durable consumers' settings from `FEDERA_CONSUMER_ACK_WAIT` and `FEDERA_CONSUMER_MAX_DELIVER`
 * (docs/reference/configuration.md). A variable unset or empty is left out: the consumer takes its
 * default. A malformed value throws a ConfigurationError naming its variable.
 */
export function eventConsumerSettingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): EventConsumerSettings {
  const settings: EventConsumerSettings = {};
  const { FEDERA_CONSUMER_ACK_WAIT: ackWait, FEDERA_CONSUMER_MAX_DELIVER: maxDeliver } = env;
  if (ackWait) settings.ackWaitMs = consumerAckWait(ackWait, 'FEDERA_CONSUMER_ACK_WAIT');
  if (maxDeliver)
    settings.maxDeliver = consumerMaxDeliver(maxDeliver, 'FEDERA_CONSUMER_MAX_DELIVER');
  return settings;
}

/** `30s`, `2m`, `1m30s`. */
function consumerAckWait(raw: string, name: string): number {
  const ms = durationMsFromEnv(raw, name, 'like 30s, 2m or 1m30s');
  if (ms < minAckWaitMs)
    throw new ConfigurationError(`${name} must be at least 1s, got ${JSON.stringify(raw)}`);
  return ms;
}

/** A count from 1, or -1 for no limit. */
function consumerMaxDeliver(raw: string, name: string): number {
  const value = Number(raw.trim());
  if (!Number.isSafeInteger(value) || (value < 1 && value !== -1))
    throw new ConfigurationError(
      `${name} must be a whole number of deliveries from 1, or -1 for no limit, got ${JSON.stringify(raw)}`,
    );
  return value;
}
