import type { EventConsumerSettings, EventStreamSettings } from '@federa/messaging';
import {
  durableName,
  eventConsumerSettingsFromEnv,
  eventStreamSettingsFromEnv,
  loadConfig,
  type FederaConfig,
} from '@federa/runtime';

/** Durable consumer name of the statistics service on the event stream when unset. */
export const defaultStatisticsConsumer = 'statistics-events';

/** Everything the statistics process reads from its environment. */
export interface StatisticsConfig {
  federa: FederaConfig;
  /** FEDERA_STATISTICS_CONSUMER: name of its durable consumer on the event stream; @default statistics-events */
  consumerName: string;
  /** FEDERA_CONSUMER_ACK_WAIT, FEDERA_CONSUMER_MAX_DELIVER: its durable consumer's settings */
  consumer: EventConsumerSettings;
  /** FEDERA_STREAM_*: what the event stream is created with if statistics finds none (the relay manages it) */
  streamSettings: EventStreamSettings;
}

export function loadStatisticsConfig(env: NodeJS.ProcessEnv = process.env): StatisticsConfig {
  return {
    federa: loadConfig(env),
    consumerName: durableName(env, 'FEDERA_STATISTICS_CONSUMER', defaultStatisticsConsumer),
    consumer: eventConsumerSettingsFromEnv(env),
    streamSettings: eventStreamSettingsFromEnv(env),
  };
}
