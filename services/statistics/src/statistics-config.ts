import { durableName, loadConfig, type FederaConfig } from '@federa/runtime';

/** Durable consumer name of the statistics service on the event stream when unset. */
export const defaultStatisticsConsumer = 'statistics-events';

/** Everything the statistics process reads from its environment. */
export interface StatisticsConfig {
  federa: FederaConfig;
  /** FEDERA_STATISTICS_CONSUMER: name of its durable consumer on the event stream; @default statistics-events */
  consumerName: string;
}

export function loadStatisticsConfig(env: NodeJS.ProcessEnv = process.env): StatisticsConfig {
  return {
    federa: loadConfig(env),
    consumerName: durableName(env, 'FEDERA_STATISTICS_CONSUMER', defaultStatisticsConsumer),
  };
}
